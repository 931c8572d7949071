"""招商: which plants should Tongcheng attract, and what do they buy in resilience?"""

import chainatlas

ds = chainatlas.load_demo("yrd-nev")
# Candidates: the firms `chainatlas advise` proposes for Tongcheng's 补链/强链 segments, each
# opening a plant there that takes over 30 % of the local buyers' outside purchases. Each is
# simulated on its own copy of the network against the standard scenario set (the chain's
# chokepoint outages, an export ban, the largest region's outage).
res = chainatlas.decide_interventions(ds, region="340881", kinds=["attract"],
                                      measures=["stress"], budgets=[50_000])
print(res._repr_html_())

port = res.tables["portfolio"]
print("\n### With 5 亿元 (50,000 万元) of incentives\n")
print(port.to_html(index=False, float_format=lambda v: f"{v:,.0f}"))
