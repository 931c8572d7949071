"""Economic systemic risk (ESRI) of every firm in a generated national network."""

import chainatlas

# 5,000 firms and 25,000 supply links keep the build fast; the same call makes a
# national-size network (e.g. 1,000,000 firms / 5,000,000 links, see docs/scale.md).
ds = chainatlas.generate_network(5_000, 25_000, n_sectors=30, seed=7)
res = chainatlas.esri(ds, top=15)
f = res.to_frame()
print(f"{res.summary['n_firms']:,} firms, {res.summary['n_links']:,} links. The riskiest firm "
      f"would take {f['esri'].iloc[0]:.1%} of the economy's output with it; the 15th "
      f"{f['esri'].iloc[-1]:.1%}.\n")
print(res._repr_html_())
print("\n### Why the first firm ranks first\n")
why = res.tables["reasons"]
print(why[why["firm"] == f["firm"].iloc[0]].to_html(index=False, float_format=lambda v: f"{v:.3f}"))
