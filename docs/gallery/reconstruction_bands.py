"""Supply links unknown: reconstruct an ensemble of networks and read chokepoints with bands."""

import chainatlas
from chainatlas.model.dataset import Dataset

full = chainatlas.load_demo("yrd-nev")
# Pretend the supply links are unknown: keep firms, segments and the bill of materials only.
firms_only = Dataset.from_frames("yrd-firms-only",
                                 {k: v for k, v in full.tables.items() if k != "supply_links"})
rec = chainatlas.reconstruct_network(firms_only, members=6, seed=0)
print(f"{len(rec.members())} reconstructed networks, "
      f"{len(rec.supply_links):,} links in all.\n")
bands = chainatlas.chain.chokepoints(rec, top_k=10)
print(bands._repr_html_())

# How did the bands do? The chokepoints of the real (hidden) links:
truth = chainatlas.chain.chokepoints(full, limit=10).to_frame()
b = bands.to_frame()
p_top = dict(zip(b["kind"] + ":" + b["id"], b["p_top_k"], strict=True))
rows = [(r["name"], r["share"], p_top.get(f"{r['kind']}:{r['id']}", 0.0))
        for _, r in truth.iterrows()]
print("\n### The real network's top 10 and how often the ensemble put them in its top 10\n")
print("| chokepoint | share lost (real links) | P(top 10) in the ensemble |\n|---|---|---|")
for name, share, p in rows:
    print(f"| {name} | {share:.1%} | {p:.0%} |")
