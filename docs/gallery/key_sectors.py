"""China 2020 key sectors (12-sector NBS table), counted without and with imported inputs."""

import pandas as pd

import chainatlas

t = chainatlas.io.demo_table()  # non-competitive: Z holds domestic flows only, 亿元
io = t.iotable
m = io.V[io.va_labels.index("imported_intermediate_inputs")]  # imported inputs per sector

# "With imports": imported inputs added to the flows, split over the supplying sectors in
# proportion to each buyer's domestic purchases; products' imports become a negative
# final-demand column (a competitive-import table with the same gross output).
Z = pd.DataFrame(io.Z, index=io.labels, columns=io.labels)
Z_total = Z * (1 + m / Z.sum(axis=0))
imports = (Z_total - Z).sum(axis=1)
Y = pd.DataFrame(io.Y, index=io.labels, columns=io.fd_labels).assign(imports=-imports)
V = pd.DataFrame(io.V, index=io.va_labels, columns=io.labels).drop(
    index="imported_intermediate_inputs")
with_imports = chainatlas.io.from_frames(Z_total, Y, V, unit=io.unit, name="with imports")

dom = t.linkages().to_frame().set_index("sector")
tot = with_imports.linkages().to_frame().set_index("sector")
table = pd.DataFrame({
    "BL domestic": dom["backward_linkage"], "FL domestic": dom["forward_linkage"],
    "class domestic": dom["key_class"],
    "BL with imports": tot["backward_linkage"], "FL with imports": tot["forward_linkage"],
    "class with imports": tot["key_class"],
}).sort_values("BL domestic", ascending=False)
print(table.to_html(float_format=lambda v: f"{v:.3f}"))

moved = table[table["class domestic"] != table["class with imports"]]
print(f"\nKey sectors (domestic): {', '.join(dom.index[dom['key_class'] == 'key'])}.\n")
print(f"Sectors whose class changes when imported inputs count as home production: "
      f"{', '.join(moved.index) or 'none'}.\n")
print(t.multipliers()._repr_html_())
