"""The data model: one :class:`TableSpec` per table of a dataset (DESIGN §3).

The specs are the single source of truth for column names, types, constraints, keys, Chinese and
English header aliases, templates and the store's DDL. Units:

- ``firm_segments.capacity``: units of the segment's product per day (``unit`` names the unit);
- ``firm_segments.output_value``, ``firms.revenue``, ``supply_links.value``, ``investments.amount``:
  10,000 CNY (万元) per year unless a dataset says otherwise;
- ``firm_segments.final_demand`` and ``demand_std``: units/day of external demand;
  ``cost_added`` and ``unit_cost``: cost per unit of output (added at the firm / cumulative), in
  the money unit of ``output_value`` (a Willems chain keeps its file's own cost unit);
- ``segment_inputs.quantity``: units of ``input_segment`` consumed per unit of ``segment`` output
  (bill of materials); ``segment_inputs.share``: the input's share of the segment's unit cost, 0..1;
- ``supply_links.share``: the share of the customer's purchases of that segment that this link
  carries, 0..1; ``lead_time_days`` in days; ``member``: 0 for an observed link, k ≥ 1 for a
  link of the k-th member of a reconstructed ensemble (:meth:`~chainatlas.model.dataset.
  Dataset.member_view`); ``probability``: the reconstruction model's link probability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "TABLES",
    "TABLE_ORDER",
    "Column",
    "ForeignKey",
    "TableSpec",
    "get_spec",
]

DType = Literal["str", "int", "float", "bool", "date", "tags"]


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``dtype`` is one of ``str``, ``int``, ``float``, ``bool``, ``date`` (ISO ``YYYY-MM-DD``) or
    ``tags`` (a list of strings, written ``a;b;c`` in CSV). ``required`` means the column must be
    present in an imported file; ``nullable`` whether a cell may be empty.
    """

    name: str
    dtype: DType = "str"
    required: bool = False
    nullable: bool = True
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    zh: str = ""
    doc: str = ""
    example: object = None
    default: object = None

    def expected(self) -> str:
        """A person-readable description of what a cell must hold."""
        kinds = {
            "str": "text",
            "int": "a whole number",
            "float": "a number",
            "bool": "true/false (是/否)",
            "date": "a date YYYY-MM-DD",
            "tags": "tags separated by ';'",
        }
        text = kinds[self.dtype]
        if self.choices:
            text = "one of " + ", ".join(self.choices)
        if self.minimum is not None and self.maximum is not None:
            text += f" between {self.minimum:g} and {self.maximum:g}"
        elif self.minimum is not None:
            text += f" ≥ {self.minimum:g}"
        elif self.maximum is not None:
            text += f" ≤ {self.maximum:g}"
        return text


@dataclass(frozen=True)
class ForeignKey:
    """``columns`` of this table refer to ``ref_columns`` of ``ref_table``."""

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    """A table of a dataset: its columns, primary key, foreign keys and labels."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    doc: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def header_map(self) -> dict[str, str]:
        """Map every accepted header (canonical, Chinese label, aliases; case-folded) to its column."""
        out: dict[str, str] = {}
        for c in self.columns:
            for h in (c.name, c.zh, *c.aliases):
                if h:
                    out[h.strip().casefold()] = c.name
        return out


def _c(name: str, dtype: DType = "str", *, zh: str, req: bool = False, null: bool = True,
       lo: float | None = None, hi: float | None = None, choices: tuple[str, ...] | None = None,
       aliases: tuple[str, ...] = (), doc: str = "", ex: object = None,
       default: object = None) -> Column:
    return Column(name, dtype, req, null, lo, hi, choices, aliases, zh, doc, ex, default)


STAGES = ("upstream", "midstream", "downstream")
OWNERSHIP = ("domestic", "foreign", "jv")
ASSET_KINDS = ("patent", "paper", "project", "lab")
OWNER_KINDS = ("university", "institute", "firm", "lab", "other")
DIRECTIONS = ("+", "-")
REGION_LEVELS = ("country", "province", "city", "county", "other")
SIGNAL_KINDS = ("orders", "forecast", "inventory_days", "utilisation", "lead_time")
SIGNAL_FREQS = ("day", "week", "month", "quarter")

TABLES: dict[str, TableSpec] = {
    "regions": TableSpec(
        "regions", "地区",
        (
            _c("code", zh="地区代码", req=True, null=False, aliases=("adcode", "行政区划代码", "代码"),
               doc="China adcode (6 digits) or ISO-3 country code", ex="320100"),
            _c("name", zh="地区名称", req=True, null=False, aliases=("名称", "地区"), ex="南京市"),
            _c("name_en", zh="英文名称", ex="Nanjing"),
            _c("level", zh="级别", choices=REGION_LEVELS, ex="city"),
            _c("parent", zh="上级地区", aliases=("上级代码",), ex="320000"),
            _c("lon", "float", zh="经度", lo=-180, hi=180, aliases=("longitude",), ex=118.80),
            _c("lat", "float", zh="纬度", lo=-90, hi=90, aliases=("latitude",), ex=32.06),
            _c("country", zh="国家", ex="CHN", default="CHN"),
        ),
        key=("code",),
        doc="Places: China adcodes for Chinese places, ISO-3 for countries.",
    ),
    "chains": TableSpec(
        "chains", "产业链",
        (
            _c("id", zh="产业链编号", req=True, null=False, aliases=("chain_id", "编号"), ex="nev"),
            _c("name", zh="产业链名称", req=True, null=False, aliases=("名称",), ex="新能源汽车"),
            _c("name_en", zh="英文名称", ex="New-energy vehicles"),
        ),
        key=("id",),
    ),
    "segments": TableSpec(
        "segments", "产业链环节",
        (
            _c("id", zh="环节编号", req=True, null=False, aliases=("segment_id", "编号"), ex="cells"),
            _c("chain", zh="所属产业链", req=True, null=False, aliases=("chain_id", "产业链"), ex="nev"),
            _c("name", zh="环节名称", req=True, null=False, aliases=("名称", "环节"), ex="动力电池电芯"),
            _c("name_en", zh="英文名称", ex="Battery cells"),
            _c("stage", zh="上中下游", choices=STAGES, aliases=("环节位置", "位置"),
               doc="empty or absent: from the segment's depth in the bill of materials "
                   "(depth d from the raw inputs, height h to the finished products: upstream "
                   "when d/(d+h) < 1/3, downstream when > 2/3, else midstream; a segment "
                   "outside the BOM is midstream)", ex="midstream"),
            _c("parent", zh="上级环节", aliases=("parent_id",), ex="battery"),
            _c("essential", "bool", zh="是否必需", default=True, ex=True,
               doc="production of a consumer of this segment stops without it"),
            _c("key_technology", "bool", zh="是否关键技术", default=False, ex=False,
               aliases=("关键核心技术",)),
            _c("io_sector", zh="投入产出部门", ex="C38"),
        ),
        key=("id",),
        foreign_keys=(ForeignKey(("chain",), "chains", ("id",)),
                      ForeignKey(("parent",), "segments", ("id",))),
        doc="A segment (环节) tree per chain.",
    ),
    "segment_inputs": TableSpec(
        "segment_inputs", "环节投入(物料清单)",
        (
            _c("segment", zh="环节", req=True, null=False, aliases=("segment_id", "产出环节"), ex="pack"),
            _c("input_segment", zh="投入环节", req=True, null=False,
               aliases=("input", "input_segment_id"), ex="cells"),
            _c("quantity", "float", zh="单位用量", lo=0, default=1.0, aliases=("units", "用量"),
               doc="units of input per unit of output", ex=1.0),
            _c("share", "float", zh="成本占比", lo=0, hi=1, aliases=("占比",),
               doc="share of the segment's unit cost", ex=0.6),
            _c("essentiality", "int", zh="投入必要性", lo=0, hi=2, aliases=("必要性",),
               doc="systemic-risk class of the input: 2 essential (production stops without it), "
                   "1 non-essential (output falls in proportion), 0 irrelevant; empty: 2 if the "
                   "input segment is essential, else 1", ex=2),
        ),
        key=("segment", "input_segment"),
        foreign_keys=(ForeignKey(("segment",), "segments", ("id",)),
                      ForeignKey(("input_segment",), "segments", ("id",))),
        doc="The chain's bill of materials: what a segment consumes per unit of output. Must be acyclic.",
    ),
    "firms": TableSpec(
        "firms", "企业",
        (
            _c("id", zh="企业编号", req=True, null=False, aliases=("firm_id", "编号"), ex="F001"),
            _c("name", zh="企业名称", req=True, null=False,
               aliases=("名称", "企业"), ex="示例电池有限公司"),
            _c("region", zh="所在地区", req=True, null=False,
               aliases=("地区", "地区代码", "所在地"),
               doc="region code, or a place name or address in Chinese, English or pinyin "
                   "(resolved to a code: adcode, ISO-3, ISO 3166-2)", ex="340881"),
            _c("country", zh="国家", default="CHN", ex="CHN"),
            _c("ownership", zh="所有制", choices=OWNERSHIP, default="domestic", aliases=("企业性质",),
               ex="domestic"),
            _c("tags", "tags", zh="标签", aliases=("企业标签",), doc="链主, 专精特新, 高新, 上市, 规上 …",
               ex="高新;规上"),
            _c("employees", "int", zh="从业人数", lo=0, aliases=("员工人数",), ex=1200),
            _c("revenue", "float", zh="营业收入(万元)", lo=0, aliases=("营业收入", "营收"), ex=250000.0),
            _c("rd_intensity", "float", zh="研发强度", lo=0, hi=1, aliases=("研发投入强度",), ex=0.05),
            _c("founded", "int", zh="成立年份", lo=1800, hi=2100, aliases=("成立时间",), ex=2015),
            _c("lon", "float", zh="经度", lo=-180, hi=180, aliases=("longitude",),
               doc="optional site coordinates (WGS-84); hazard footprints use the region's without",
               ex=117.23),
            _c("lat", "float", zh="纬度", lo=-90, hi=90, aliases=("latitude",), ex=31.82),
        ),
        key=("id",),
        foreign_keys=(ForeignKey(("region",), "regions", ("code",)),),
    ),
    "firm_segments": TableSpec(
        "firm_segments", "企业环节",
        (
            _c("firm", zh="企业编号", req=True, null=False, aliases=("firm_id", "企业"), ex="F001"),
            _c("segment", zh="环节编号", req=True, null=False, aliases=("segment_id", "环节"), ex="cells"),
            _c("capacity", "float", zh="产能(单位/天)", lo=0, aliases=("产能", "日产能"), ex=2000.0),
            _c("unit", zh="单位", ex="套"),
            _c("output_value", "float", zh="产值(万元)", lo=0, aliases=("产值",), ex=180000.0),
            _c("final_demand", "float", zh="最终需求(单位/天)", lo=0, aliases=("最终需求",),
               doc="external (final) demand for this firm's product, units/day"),
            _c("demand_std", "float", zh="需求标准差(单位/天)", lo=0, aliases=("需求标准差",),
               doc="standard deviation of the daily final demand, units/day"),
            _c("cost_added", "float", zh="本环节增加成本(每单位)", lo=0, aliases=("增加成本",),
               doc="cost added at this firm per unit of output (inputs excluded)"),
            _c("unit_cost", "float", zh="累计单位成本", lo=0, aliases=("单位成本",),
               doc="cumulative cost of one unit of output, inputs included"),
        ),
        key=("firm", "segment"),
        foreign_keys=(ForeignKey(("firm",), "firms", ("id",)),
                      ForeignKey(("segment",), "segments", ("id",))),
    ),
    "supply_links": TableSpec(
        "supply_links", "供应关系",
        (
            _c("supplier", zh="供应商", req=True, null=False, aliases=("supplier_id", "供应企业"), ex="F001"),
            _c("customer", zh="客户", req=True, null=False, aliases=("customer_id", "采购企业"), ex="F010"),
            _c("segment", zh="供应环节", req=True, null=False, aliases=("segment_id", "环节"), ex="cells"),
            _c("value", "float", zh="交易额(万元)", lo=0, aliases=("交易额", "金额"), ex=52000.0),
            _c("share", "float", zh="采购占比", lo=0, hi=1, aliases=("占比",), ex=0.4),
            _c("lead_time_days", "float", zh="交货周期(天)", lo=0, aliases=("lead_time", "交货周期"), ex=3.0),
            _c("member", "int", zh="重构成员", lo=0, default=0, aliases=("ensemble_member",),
               doc="0: an observed link (in every network); k ≥ 1: a link of the k-th "
                   "reconstructed network of an ensemble", ex=0),
            _c("probability", "float", zh="连接概率", lo=0, hi=1, aliases=("link_probability",),
               doc="probability the reconstruction model gives this link; empty for an "
                   "observed link", ex=None),
        ),
        key=("supplier", "customer", "segment", "member"),
        foreign_keys=(ForeignKey(("supplier",), "firms", ("id",)),
                      ForeignKey(("customer",), "firms", ("id",)),
                      ForeignKey(("segment",), "segments", ("id",))),
    ),
    "innovation_assets": TableSpec(
        "innovation_assets", "创新成果",
        (
            _c("id", zh="成果编号", req=True, null=False, aliases=("asset_id", "编号"), ex="P0001"),
            _c("kind", zh="类型", req=True, null=False, choices=ASSET_KINDS, ex="patent"),
            _c("title", zh="标题", req=True, null=False, aliases=("名称",), ex="一种高镍正极材料的包覆方法"),
            _c("text", zh="摘要", aliases=("abstract", "内容"), ex="本发明公开了一种……"),
            _c("owner", zh="权利人", aliases=("申请人", "单位"), ex="中国科学技术大学"),
            _c("owner_kind", zh="权利人类型", choices=OWNER_KINDS, ex="university"),
            _c("region", zh="所在地区", aliases=("地区",), ex="340100"),
            _c("year", "int", zh="年份", lo=1900, hi=2100, ex=2023),
            _c("ipc", zh="IPC分类号", aliases=("IPC",), ex="H01M4/36"),
        ),
        key=("id",),
        foreign_keys=(ForeignKey(("region",), "regions", ("code",)),),
    ),
    "tech_needs": TableSpec(
        "tech_needs", "技术需求",
        (
            _c("id", zh="需求编号", req=True, null=False, aliases=("need_id", "编号"), ex="N001"),
            _c("firm", zh="企业编号", req=True, null=False, aliases=("firm_id", "企业"), ex="F001"),
            _c("title", zh="需求标题", req=True, null=False, aliases=("标题",), ex="隔膜涂覆工艺改进"),
            _c("text", zh="需求描述", aliases=("描述",), ex="希望提升隔膜耐热性……"),
            _c("segment", zh="环节编号", aliases=("segment_id", "环节"), ex="separator"),
        ),
        key=("id",),
        foreign_keys=(ForeignKey(("firm",), "firms", ("id",)),
                      ForeignKey(("segment",), "segments", ("id",))),
    ),
    "investments": TableSpec(
        "investments", "投资",
        (
            _c("investor", zh="投资方", req=True, null=False, ex="某产业基金"),
            _c("firm", zh="被投企业", req=True, null=False, aliases=("firm_id",), ex="F001"),
            _c("amount", "float", zh="金额(万元)", lo=0, aliases=("金额",), ex=50000.0),
            _c("date", "date", zh="日期", ex="2023-06-01"),
            _c("round", zh="轮次", ex="B"),
        ),
        key=("investor", "firm", "date"),
        foreign_keys=(ForeignKey(("firm",), "firms", ("id",)),),
    ),
    "indicators": TableSpec(
        "indicators", "指标数据",
        (
            _c("region", zh="地区", req=True, null=False, aliases=("地区代码",), ex="320000"),
            _c("year", "int", zh="年份", req=True, null=False, lo=1900, hi=2100, ex=2022),
            _c("indicator", zh="指标", req=True, null=False, aliases=("指标代码",), ex="rd_intensity"),
            _c("value", "float", zh="数值", req=True, aliases=("值",), ex=3.12),
        ),
        key=("region", "year", "indicator"),
        foreign_keys=(ForeignKey(("region",), "regions", ("code",)),
                      ForeignKey(("indicator",), "indicator_defs", ("indicator",))),
    ),
    "indicator_defs": TableSpec(
        "indicator_defs", "指标定义",
        (
            _c("indicator", zh="指标", req=True, null=False, aliases=("指标代码",), ex="rd_intensity"),
            _c("name", zh="指标名称", ex="R&D经费投入强度"),
            _c("dimension", zh="维度", ex="新技术"),
            _c("subsystem", zh="子系统", ex="创新链"),
            _c("direction", zh="方向", choices=DIRECTIONS, default="+", aliases=("属性",), ex="+"),
            _c("unit", zh="单位", ex="%"),
            _c("source", zh="来源", ex="中国科技统计年鉴"),
        ),
        key=("indicator",),
    ),
    "signals": TableSpec(
        "signals", "企业共享信号",
        (
            _c("firm", zh="企业编号", req=True, null=False, aliases=("firm_id", "企业"), ex="F001"),
            _c("segment", zh="环节编号", req=True, null=False, aliases=("segment_id", "环节"),
               ex="cells", doc="the product the figure is about"),
            _c("period", "date", zh="报告期", req=True, null=False, aliases=("期间", "日期"),
               doc="first day of the reporting period", ex="2024-01-01"),
            _c("kind", zh="信号类型", req=True, null=False, choices=SIGNAL_KINDS,
               aliases=("类型",), ex="orders",
               doc="orders: units of the segment ordered from the firm in the period; forecast: "
                   "the firm's forecast of those orders; inventory_days: days of use its stock "
                   "of the segment covers; utilisation: output / capacity (0..1); lead_time: "
                   "quoted delivery time in days"),
            _c("value", "float", zh="数值", req=True, null=False, lo=0, aliases=("值",), ex=1200.0),
            _c("unit", zh="单位", req=True, null=False, ex="套",
               doc="unit of value (product unit for orders and forecast, 天 for days, 1 for a share)"),
            _c("freq", zh="报告频率", choices=SIGNAL_FREQS, default="week",
               aliases=("frequency", "频率"), ex="week", doc="length of the reporting period"),
        ),
        key=("firm", "segment", "period", "kind"),
        foreign_keys=(ForeignKey(("firm",), "firms", ("id",)),
                      ForeignKey(("segment",), "segments", ("id",))),
        doc="Periodic signals firms publish for the partners they choose (orders, forecasts, "
            "inventory days, utilisation, lead times).",
    ),
}

#: Import order that satisfies foreign keys (referenced tables first).
TABLE_ORDER: tuple[str, ...] = (
    "regions", "chains", "segments", "segment_inputs", "firms", "firm_segments", "supply_links",
    "innovation_assets", "tech_needs", "investments", "indicator_defs", "indicators", "signals",
)


def get_spec(table: str) -> TableSpec:
    """The spec of ``table``; raises :class:`~chainatlas.exceptions.DataNotFound` if unknown."""
    from chainatlas.exceptions import DataNotFound

    try:
        return TABLES[table]
    except KeyError:
        raise DataNotFound(
            f"unknown table '{table}'; known tables: {', '.join(TABLE_ORDER)}"
        ) from None
