"""Names across scripts: a small hand-made table, used only where the equivalence is plain.

Each key is a name as its lower-cased Latin tokens joined by spaces; the values are the
forms the same person, place or organisation takes in Chinese (simplified and traditional),
Korean, and a few European exonyms. Nothing is transliterated by rule: a name not in the
table is matched in Latin script only. Extend the table with care: one wrong entry turns
a missing name into a found one.
"""

from __future__ import annotations

TABLE: dict[str, tuple[str, ...]] = {
    "kim jong un": ("金正恩", "김정은"),
    "xi jinping": ("习近平", "習近平", "시진핑"),
    "xi": ("习近平", "習近平", "시진핑"),
    "ri sol ju": ("李雪主", "리설주"),
    "peng liyuan": ("彭丽媛", "彭麗媛"),
    "kim yo jong": ("金与正", "金與正", "김여정"),
    "moon jae in": ("文在寅", "문재인"),
    "donald trump": ("特朗普", "川普", "트럼프"),
    "trump": ("特朗普", "川普", "트럼프"),
    "kim il sung": ("金日成", "김일성"),
    "kim jong il": ("金正日", "김정일"),
    "wang yi": ("王毅",),
    "beijing": ("北京", "베이징", "Pechino", "Pékin", "Peking"),
    "dalian": ("大连", "大連", "다롄"),
    "liaoning": ("辽宁", "遼寧", "랴오닝"),
    "dandong": ("丹东", "丹東", "단둥"),
    "pyongyang": ("平壤", "평양"),
    "seoul": ("首尔", "首爾", "서울"),
    "singapore": ("新加坡", "싱가포르"),
    "hanoi": ("河内", "하노이"),
    "vietnam": ("越南", "베트남"),
    "china": ("中国", "中國", "중국", "Cina", "Chine"),
    "chinese": ("中国", "中國", "중국", "cinese", "chinois"),
    "north korea": ("朝鲜", "朝鮮", "北韩", "北韓", "북한", "Corea del Nord"),
    "north korean": ("朝鲜", "朝鮮", "北韩", "北韓", "북한", "nordcoreano"),
    "dprk": ("朝鲜", "朝鮮", "北韩", "北韓", "북한"),
    "south korea": ("韩国", "韓國", "南韩", "南韓", "한국", "Corea del Sud"),
    "korean peninsula": ("朝鲜半岛", "朝鮮半島", "半岛", "半島", "한반도"),
    "xinhua": ("新华社", "新華社", "Nuova Cina"),
    "cctv": ("央视", "央視"),
    "korean central news agency": ("朝中社", "조선중앙통신"),
    "kcna": ("朝中社", "조선중앙통신"),
    "workers party of korea": ("朝鲜劳动党", "朝鮮勞動黨", "노동당"),
    "communist party of china": ("中国共产党", "中國共產黨", "中共"),
    "zhongnanhai": ("中南海",),
    "united states": ("美国", "美國", "미국", "Stati Uniti"),
    "japan": ("日本", "일본"),
    "russia": ("俄罗斯", "俄羅斯", "러시아"),
}

# English demonyms and short forms that name the same thing as a key of TABLE.
SAME: dict[str, str] = {
    "kim jong un": "kim",
    "xi jinping": "xi",
    "north korean": "north korea",
    "chinese": "china",
    "u s": "united states",
    "us": "united states",
    "american": "united states",
}


def forms(key: str) -> tuple[str, ...]:
    """The other-script forms of a name key (empty when the table does not know it)."""
    return TABLE.get(key, ())
