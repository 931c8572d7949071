"""The YRD new-energy-vehicle chain: the whole domestic map and the 4-hour circle of Shanghai."""

import chainatlas

ds = chainatlas.load_demo("yrd-nev")
china = chainatlas.chain.map(ds)  # every mainland firm
circle = chainatlas.chain.map(ds, within_hours=4, of="上海")  # 4 h drive at 90 km/h, detour 1.2

print(f"Health of the chain: {china.summary['health']:.1f} / 100 in China, "
      f"{circle.summary['health']:.1f} / 100 within 4 hours of Shanghai "
      f"({circle.summary['firms_in_area']} of {circle.summary['firms']} firms).\n")
print(circle._repr_html_())

both = china.to_frame()[["segment", "name", "stage", "local_share", "status"]].merge(
    circle.to_frame()[["segment", "local_share", "status"]], on="segment",
    suffixes=("_china", "_circle"))
gap = both[both["status_circle"] != "strong"].sort_values("local_share_circle")
print("\n### Segments the 4-hour circle does not hold strongly\n")
print(gap.head(12).to_html(index=False, float_format=lambda v: f"{v:.1%}"))
