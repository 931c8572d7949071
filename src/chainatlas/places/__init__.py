"""Places: a gazetteer of Chinese and world regions and a resolver of free-text place strings.

``resolve("江苏省苏州市吴中区")`` → 320506; ``resolve("Xi'an Shanxi")`` → 610100 (the slip
Shanxi/Shaanxi tolerated); ``resolve("Suzhou")`` → ambiguous between 苏州 and 宿州, with both
candidates. See :mod:`chainatlas.places.resolver` for how a string is read and
:mod:`chainatlas.places.classes` for the location classes 境内/港澳台/国外/未知.
"""

from chainatlas.places.classes import HMT_MODES, LOCATION_CLASSES, location_class, location_classes
from chainatlas.places.gazetteer import Gazetteer, Place, extend, gazetteer
from chainatlas.places.resolver import PlaceResult, Resolver, resolve, resolve_many

__all__ = [
    "HMT_MODES",
    "LOCATION_CLASSES",
    "Gazetteer",
    "Place",
    "PlaceResult",
    "Resolver",
    "extend",
    "gazetteer",
    "location_class",
    "location_classes",
    "resolve",
    "resolve_many",
]
