"""Write the labelled place strings ``tests/data/places_labelled.csv`` (deterministic).

Each row: ``input``, ``country`` (an optional country column), ``expected`` (the region code; for
mainland places compared at prefecture level, abroad at country and first-level subdivision;
``AMBIGUOUS`` where the string names several places equally well), ``kind`` and ``split``
(``tune`` or ``heldout``, alternating within each kind so both halves hold every kind).

The labels are facts typed here (adcodes of GB/T 2260, ISO 3166 codes), not resolver output; the
inputs are written the way supplier lists write places: Chinese addresses in simplified and
traditional characters, English and pinyin addresses with street, district and town, foreign
addresses of many countries, bare names with and without province, common slips.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "places_labelled.csv"

# code, province, city, district (simplified), traditional form of the full address,
# English province, city, district, a street name in pinyin
MAINLAND = [
    ("320506", "江苏省", "苏州市", "吴中区", "江蘇省蘇州市吳中區", "Jiangsu", "Suzhou", "Wuzhong", "Dongwu North Road"),
    ("320583", "江苏省", "苏州市", "昆山市", "江蘇省蘇州市崑山市", "Jiangsu", "Suzhou", "Kunshan", "Gao Ding Road"),
    ("320115", "江苏省", "南京市", "江宁区", "江蘇省南京市江寧區", "Jiangsu", "Nanjing", "Jiangning", "Shengtai Road"),
    ("320412", "江苏省", "常州市", "武进区", "江蘇省常州市武進區", "Jiangsu", "Changzhou", "Wujin", "Changwu Road"),
    ("321282", "江苏省", "泰州市", "靖江市", "江蘇省泰州市靖江市", "Jiangsu", "Taizhou", "Jingjiang", "Gangcheng Road"),
    ("320281", "江苏省", "无锡市", "江阴市", "江蘇省無錫市江陰市", "Jiangsu", "Wuxi", "Jiangyin", "Chengjiang Road"),
    ("330110", "浙江省", "杭州市", "余杭区", "浙江省杭州市餘杭區", "Zhejiang", "Hangzhou", "Yuhang", "Wenyi West Road"),
    ("331081", "浙江省", "台州市", "温岭市", "浙江省台州市溫嶺市", "Zhejiang", "Taizhou", "Wenling", "Dongfang Avenue"),
    ("330282", "浙江省", "宁波市", "慈溪市", "浙江省寧波市慈溪市", "Zhejiang", "Ningbo", "Cixi", "Beisanhuan Road"),
    ("330782", "浙江省", "金华市", "义乌市", "浙江省金華市義烏市", "Zhejiang", "Jinhua", "Yiwu", "Chouzhou Road"),
    ("440306", "广东省", "深圳市", "宝安区", "廣東省深圳市寶安區", "Guangdong", "Shenzhen", "Bao'an", "Xixiang Avenue"),
    ("440307", "广东省", "深圳市", "龙岗区", "廣東省深圳市龍崗區", "Guangdong", "Shenzhen", "Longgang", "Bantian Road"),
    ("440113", "广东省", "广州市", "番禺区", "廣東省廣州市番禺區", "Guangdong", "Guangzhou", "Panyu", "Shiqiao Road"),
    ("440606", "广东省", "佛山市", "顺德区", "廣東省佛山市順德區", "Guangdong", "Foshan", "Shunde", "Daliang Road"),
    ("441302", "广东省", "惠州市", "惠城区", "廣東省惠州市惠城區", "Guangdong", "Huizhou", "Huicheng", "Yanda Avenue"),
    ("110105", "北京市", "", "朝阳区", "北京市朝陽區", "Beijing", "", "Chaoyang", "Jianguo Road"),
    ("110108", "北京市", "", "海淀区", "北京市海澱區", "Beijing", "", "Haidian", "Zhongguancun Street"),
    ("110114", "北京市", "", "昌平区", "北京市昌平區", "Beijing", "", "Changping", "Fuxue Road"),
    ("310115", "上海市", "", "浦东新区", "上海市浦東新區", "Shanghai", "", "Pudong", "Zhangjiang Road"),
    ("310112", "上海市", "", "闵行区", "上海市閔行區", "Shanghai", "", "Minhang", "Humin Road"),
    ("310114", "上海市", "", "嘉定区", "上海市嘉定區", "Shanghai", "", "Jiading", "Bole Road"),
    ("120116", "天津市", "", "滨海新区", "天津市濱海新區", "Tianjin", "", "Binhai", "Huanghai Road"),
    ("500112", "重庆市", "", "渝北区", "重慶市渝北區", "Chongqing", "", "Yubei", "Jinkai Avenue"),
    ("610116", "陕西省", "西安市", "长安区", "陝西省西安市長安區", "Shaanxi", "Xi'an", "Chang'an", "Weiqu Street"),
    ("610113", "陕西省", "西安市", "雁塔区", "陝西省西安市雁塔區", "Shaanxi", "Xi'an", "Yanta", "Keji Road"),
    ("140105", "山西省", "太原市", "小店区", "山西省太原市小店區", "Shanxi", "Taiyuan", "Xiaodian", "Changzhi Road"),
    ("370212", "山东省", "青岛市", "崂山区", "山東省青島市嶗山區", "Shandong", "Qingdao", "Laoshan", "Haier Road"),
    ("370683", "山东省", "烟台市", "莱州市", "山東省煙臺市萊州市", "Shandong", "Yantai", "Laizhou", "Wenhua East Road"),
    ("420111", "湖北省", "武汉市", "洪山区", "湖北省武漢市洪山區", "Hubei", "Wuhan", "Hongshan", "Luoyu Road"),
    ("420303", "湖北省", "十堰市", "张湾区", "湖北省十堰市張灣區", "Hubei", "Shiyan", "Zhangwan", "Chezhan Road"),
    ("430104", "湖南省", "长沙市", "岳麓区", "湖南省長沙市嶽麓區", "Hunan", "Changsha", "Yuelu", "Lushan Road"),
    ("510107", "四川省", "成都市", "武侯区", "四川省成都市武侯區", "Sichuan", "Chengdu", "Wuhou", "Tianfu Avenue"),
    ("340104", "安徽省", "合肥市", "蜀山区", "安徽省合肥市蜀山區", "Anhui", "Hefei", "Shushan", "Changjiang West Road"),
    ("341302", "安徽省", "宿州市", "埇桥区", "安徽省宿州市埇橋區", "Anhui", "Suzhou", "Yongqiao", "Huaihai Road"),
    ("340881", "安徽省", "安庆市", "桐城市", "安徽省安慶市桐城市", "Anhui", "Anqing", "Tongcheng", "Longmian Road"),
    ("350203", "福建省", "厦门市", "思明区", "福建省廈門市思明區", "Fujian", "Xiamen", "Siming", "Hubin South Road"),
    ("350902", "福建省", "宁德市", "蕉城区", "福建省寧德市蕉城區", "Fujian", "Ningde", "Jiaocheng", "Xingang Road"),
    ("410184", "河南省", "郑州市", "新郑市", "河南省鄭州市新鄭市", "Henan", "Zhengzhou", "Xinzheng", "Zhonghua Road"),
    ("130102", "河北省", "石家庄市", "长安区", "河北省石家莊市長安區", "Hebei", "Shijiazhuang", "Chang'an", "Zhongshan East Road"),
    ("210106", "辽宁省", "沈阳市", "铁西区", "遼寧省瀋陽市鐵西區", "Liaoning", "Shenyang", "Tiexi", "Beiyi Road"),
    ("211302", "辽宁省", "朝阳市", "双塔区", "遼寧省朝陽市雙塔區", "Liaoning", "Chaoyang", "Shuangta", "Xinhua Road"),
    ("220104", "吉林省", "长春市", "朝阳区", "吉林省長春市朝陽區", "Jilin", "Changchun", "Chaoyang", "Xinmin Street"),
    ("640302", "宁夏回族自治区", "吴忠市", "利通区", "寧夏回族自治區吳忠市利通區", "Ningxia", "Wuzhong", "Litong", "Mingzhu Road"),
    ("150602", "内蒙古自治区", "鄂尔多斯市", "东胜区", "內蒙古自治區鄂爾多斯市東勝區", "Inner Mongolia", "Ordos", "Dongsheng", "Tianjiao Road"),
    ("450103", "广西壮族自治区", "南宁市", "青秀区", "廣西壯族自治區南寧市青秀區", "Guangxi", "Nanning", "Qingxiu", "Minzu Avenue"),
    ("530102", "云南省", "昆明市", "五华区", "雲南省昆明市五華區", "Yunnan", "Kunming", "Wuhua", "Dongfeng West Road"),
    ("360111", "江西省", "南昌市", "青山湖区", "江西省南昌市青山湖區", "Jiangxi", "Nanchang", "Qingshanhu", "Jingdong Avenue"),
    ("441900", "广东省", "东莞市", "", "廣東省東莞市", "Guangdong", "Dongguan", "", "Dongcheng Road"),
    ("442000", "广东省", "中山市", "", "廣東省中山市", "Guangdong", "Zhongshan", "", "Zhongshan Road"),
]

# towns of prefectures without counties: (town pinyin, town Chinese, prefecture code, city)
TOWNS = [("Changping", "常平镇", "441900", "Dongguan"), ("Chang'an", "长安镇", "441900", "Dongguan"),
         ("Humen", "虎门镇", "441900", "Dongguan"), ("Tangxia", "塘厦镇", "441900", "Dongguan"),
         ("Xiaolan", "小榄镇", "442000", "Zhongshan"), ("Guzhen", "古镇镇", "442000", "Zhongshan"),
         ("Shiyan", "石岩街道", "440306", "Shenzhen")]

FOREIGN = [
    ("2-1 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan", "JP-13"),
    ("1-1 Kumamoto Prefecture, Kikuyo, Japan", "JP-43"),
    ("Kagoshima, Japan", "JP-46"), ("Aichi Prefecture, Toyota City, Japan", "JP-23"),
    ("Osaka, Japan", "JP-27"), ("Japan", "JPN"),
    ("129 Samsung-ro, Suwon-si, Gyeonggi-do, Korea", "KR-41"),
    ("Pohang, Gyeongsangbuk-do, Republic of Korea", "KR-47"), ("Gumi, Gyeongbuk, South Korea", "KR-47"),
    ("Ulsan, Korea", "KR-31"), ("Seoul, South Korea", "KR-11"), ("Korea", "KOR"),
    ("1 Tesla Road, Austin, TX 78725, USA", "US-TX"), ("Fremont, California, United States", "US-CA"),
    ("Detroit, Michigan, USA", "US-MI"), ("Reno, NV, United States of America", "US-NV"),
    ("Wolfsburg, Lower Saxony, Germany", "DE-NI"), ("Stuttgart, Baden-Württemberg, Germany", "DE-BW"),
    ("München, Bayern, Deutschland", "DE-BY"), ("Germany", "DEU"),
    ("Binh Duong, Vietnam", "VN-57"), ("Hanoi, Viet Nam", "VN-HN"), ("Vietnam", "VNM"),
    ("Mlada Boleslav, Czech Republic", "CZE"), ("Prague, Czechia", "CZ-10"),
    ("Rayong, Thailand", "TH-21"), ("Bangkok, Thailand", "TH-10"),
    ("Penang, Malaysia", "MY-07"), ("Johor, Malaysia", "MY-01"),
    ("Singapore", "SGP"), ("Chennai, Tamil Nadu, India", "IN-TN"), ("Pune, Maharashtra, India", "IN-MH"),
    ("Monterrey, Nuevo León, Mexico", "MX-NLE"), ("Guanajuato, Mexico", "MX-GUA"),
    ("Győr, Hungary", "HU-GY"), ("Budapest, Hungary", "HU-BU"), ("Wrocław, Poland", "POL"),
    ("Ontario, Canada", "CA-ON"), ("Quebec, Canada", "CA-QC"), ("São Paulo, Brazil", "BR-SP"),
    ("Paris, Île-de-France, France", "FR-IDF"), ("Torino, Piemonte, Italy", "IT-21"),
    ("Barcelona, Catalonia, Spain", "ES-CT"), ("Birmingham, England, United Kingdom", "GB-ENG"),
    ("Victoria, Australia", "AU-VIC"), ("Jakarta, Indonesia", "IDN"), ("Manila, Philippines", "PH-00"),
    ("Istanbul, Turkey", "TR-34"), ("Eindhoven, Noord-Brabant, Netherlands", "NL-NB"),
    ("Gothenburg, Sweden", "SWE"), ("Tel Aviv, Israel", "ISR"),
    ("日本", "JPN"), ("韩国", "KOR"), ("美国", "USA"), ("德国", "DEU"), ("越南", "VNM"), ("泰国", "THA"),
    ("JPN", "JPN"), ("KOR", "KOR"), ("DE", "DEU"), ("US", "USA"), ("VN", "VNM"), ("Czech Republic", "CZE"),
]

HMT = [
    ("Taipei, Taiwan", "TW-TPE"), ("No. 8, Li-Hsin Rd. 6, Hsinchu Science Park, Hsinchu City, Taiwan", "TW-HSZ"),
    ("Kaohsiung, Taiwan", "TW-KHH"), ("Taichung City, Taiwan", "TW-TXG"), ("Tainan, Taiwan", "TW-TNN"),
    ("New Taipei City, Taiwan", "TW-NWT"), ("Taoyuan, Taiwan", "TW-TAO"), ("台北市內湖區", "TW-TPE"),
    ("新北市土城區自由街2號", "TW-NWT"), ("臺灣", "710000"), ("台湾", "710000"), ("TWN", "710000"),
    ("Taiwan", "710000"), ("Hong Kong", "810000"), ("Kwun Tong, Kowloon, Hong Kong", "810000"),
    ("香港", "810000"), ("HKG", "810000"), ("Macau", "820000"), ("澳門", "820000"), ("高雄市", "TW-KHH"),
]

AMBIGUOUS = ["Suzhou", "Taizhou", "Suzhou, China", "Taizhou City", "朝阳", "朝阳区", "Changping",
             "Chang'an", "Wuzhong", "Shiyan", "Hsinchu", "鼓楼区", "Tongzhou"]

CONTEXT = [  # ambiguity resolved by the rest of the string
    ("Suzhou Jiangsu", "320500"), ("Suzhou, Anhui Province", "341300"), ("江苏苏州", "320500"),
    ("安徽宿州", "341300"), ("Taizhou, Jiangsu", "321200"), ("Taizhou, Zhejiang", "331000"),
    ("泰州", "321200"), ("台州", "331000"), ("北京市朝阳区", "110000"), ("辽宁省朝阳市", "211300"),
    ("Chaoyang District, Beijing", "110000"), ("Chaoyang, Liaoning", "211300"),
    ("Changping, Dongguan", "441900"), ("Changping District, Beijing", "110000"),
    ("Chang'an Town, Dongguan, Guangdong", "441900"), ("Chang'an District, Xi'an", "610100"),
    ("Wuzhong District, Suzhou", "320500"), ("Wuzhong, Ningxia", "640300"),
    ("Shiyan, Bao'an, Shenzhen", "440300"), ("Shiyan, Hubei", "420300"),
    ("南京市鼓楼区", "320100"), ("福州市鼓楼区", "350100"), ("Tongzhou, Beijing", "110000"),
    ("Tongzhou, Nantong", "320600"),
]

SLIPS = [("Xi'an Shanxi", "610100"), ("Xian, Shanxi Province", "610100"), ("Puding Shanghai", "310000"),
         ("Pudong Shanghai", "310000"), ("Baoan Shenzen", "440300"), ("Hangzou Zhejiang", "330100"),
         ("Kunshan Jiangshu", "320500"), ("Guangzho, Guangdong", "440100")]

# written after the resolver was tuned and never tuned on (measured once, as they came)
BLIND = [("Room 1203, Tower B, Wanda Plaza, Jinan, Shandong", "370100"),
         ("山东省济南市历下区经十路", "370100"), ("浙江省温州市乐清市柳市镇", "330300"),
         ("Liushi Town, Yueqing, Wenzhou, Zhejiang", "330300"), ("湖南省株洲市天元区", "430200"),
         ("Zhuzhou, Hunan, P.R. China", "430200"), ("河北省保定市莲池区", "130600"),
         ("Baoding Hebei", "130600"), ("贵州省贵阳市观山湖区", "520100"),
         ("Guiyang, Guizhou", "520100"), ("黑龙江省哈尔滨市南岗区", "230100"),
         ("Harbin, Heilongjiang Province, PRC", "230100"), ("新疆维吾尔自治区乌鲁木齐市", "650100"),
         ("Urumqi, Xinjiang", "650100"), ("甘肃省兰州市城关区", "620100"),
         ("Lanzhou Gansu", "620100"), ("海南省海口市美兰区", "460100"), ("Haikou, Hainan", "460100"),
         ("Kuala Lumpur, Malaysia", "MY-14"), ("Ho Chi Minh City, Vietnam", "VN-SG"),
         ("Nagoya, Aichi, Japan", "JP-23"), ("Changwon, Gyeongsangnam-do, Korea", "KR-48"),
         ("Greer, South Carolina, USA", "US-SC"), ("Chattanooga, TN, USA", "US-TN"),
         ("Graz, Austria", "AUT"), ("Chonburi, Thailand", "TH-20"), ("臺中市西屯區", "TW-TXG"),
         ("台南市新營區", "TW-TNN"), ("廣東省東莞市長安鎮", "441900"), ("東莞市虎門鎮", "441900")]

COUNTRY_COLUMN = [("Jiangsu", "China", "320000"), ("Guangdong", "CN", "440000"),
                  ("Texas", "USA", "US-TX"), ("Bavaria", "Germany", "DE-BY"),
                  ("Gyeonggi-do", "Korea", "KR-41"), ("Aichi", "Japan", "JP-23"),
                  ("Kunshan", "China", "320500"), ("Ulsan", "KOR", "KR-31")]


def prefecture(code: str) -> str:
    """The prefecture-level code of a mainland code (a municipality counts as one)."""
    if code.isdigit() and len(code) == 6 and not code.endswith("0000"):
        if code[:2] in ("11", "12", "31", "50"):
            return code[:2] + "0000"
        return code[:4] + "00"
    return code


def rows() -> list[list[str]]:
    rng = random.Random(17)
    out: list[list[str]] = []

    def add(text: str, expected: str, kind: str, country: str = "") -> None:
        out.append([text, country, expected, kind])

    for code, prov, city, dist, trad, p_en, c_en, d_en, street in MAINLAND:
        n = rng.randint(1, 999)
        pref = prefecture(code)
        add(f"{prov}{city}{dist}{street_zh(rng)}{n}号", pref, "zh-simplified")
        add(f"{trad}{n}號", pref, "zh-traditional")
        parts = [f"No. {n} {street}"]
        if d_en:
            parts.append(f"{d_en} District")
        if c_en:
            parts.append(c_en)
        parts += [p_en, "China"]
        add(", ".join(parts), pref, "en-address")
        pin = " ".join(x for x in (d_en, c_en, p_en) if x)
        add(f"{street} {n}hao {pin}", pref, "pinyin")
    for town, zh, code, city in TOWNS:
        add(f"{town} Town, {city}, Guangdong, China", prefecture(code), "town")
        add(f"广东省{'东莞市' if code == '441900' else '中山市' if code == '442000' else '深圳市宝安区'}{zh}",
            prefecture(code), "town")
    for text, code in FOREIGN:
        add(text, code, "foreign")
    for text, code in HMT:
        add(text, code, "hmt")
    for text in AMBIGUOUS:
        add(text, "AMBIGUOUS", "ambiguous")
    for text, code in CONTEXT:
        add(text, code, "context")
    for text, code in SLIPS:
        add(text, code, "slip")
    for text, code in BLIND:
        add(text, code, "blind")
    for text, country, code in COUNTRY_COLUMN:
        add(text, code, "country-column", country)
    counters: dict[str, int] = {}
    final = []
    for r in out:
        k = counters.get(r[3], 0)
        counters[r[3]] = k + 1
        final.append([*r, "tune" if k % 2 == 0 else "heldout"])
    return final


def street_zh(rng: random.Random) -> str:
    return rng.choice(["人民路", "解放路", "建设大道", "科技园路", "工业园区兴业路", "经济开发区长江路",
                       "高新区创新大道", "中山路"])


def main() -> None:
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["input", "country", "expected", "kind", "split"])
        w.writerows(rows())
    print(f"wrote {OUT}: {len(rows())} rows")


if __name__ == "__main__":
    main()
