"""A fire stops the power-battery plants of Tongcheng (桐城) for 30 days."""

from pathlib import Path

import chainatlas

scenario = Path(__file__).parent.parent / "examples" / "tongcheng_battery_fire.yaml"
print("```yaml\n" + scenario.read_text("utf-8").strip() + "\n```\n")

ds = chainatlas.load_demo("yrd-nev")
res = chainatlas.stress.run(ds, scenario)
s = res.summary
print(f"Output lost: {s['total_output_loss']:,.0f} 万元 over {s['horizon_days']} days "
      f"({s['total_output_loss_days']:.2f} days of the chain's output); lowest output ratio "
      f"{s['min_output_ratio']:.1%} on day {s['min_output_day']}; back to normal on day "
      f"{s['recovery_day']}.\n")
print(res._repr_html_())
