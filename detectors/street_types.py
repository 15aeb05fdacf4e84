"""Postal address vocabulary as data: street types, unit designators, directionals, PO boxes.

Sources (facts transcribed from the publications, not copied from any code or data set):
- USPS Publication 28, *Postal Addressing Standards*, Appendix C1 "Street Suffix
  Abbreviations" (primary name, commonly used forms, Postal Service standard abbreviation) and
  Appendix C2 "Secondary Unit Designators". A US government work.
- Canada Post, *Canadian Addressing Guide*, "Street types" (English and French, with their
  abbreviations) and "Unit designators"; French street types come *before* the street name
  (`1234 rue Sainte-Catherine Ouest`), English ones after it.

The text recognizer (`detectors.recognizers.street_address`) and the column classifier
(`detectors.columns.address`) build their patterns from these tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

# USPS Pub. 28 C1: primary street suffix -> its abbreviations, the Postal Service standard one
# first when it differs from the name (PARK, WAY, PATH are their own standard).
USPS_SUFFIXES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "ALLEY": ("ALY", "ALLEE", "ALLY"),
        "ANEX": ("ANX", "ANNEX", "ANNX"),
        "ARCADE": ("ARC",),
        "AVENUE": ("AVE", "AV", "AVEN", "AVENU", "AVN", "AVNUE"),
        "BAYOU": ("BYU", "BAYOO"),
        "BEACH": ("BCH",),
        "BEND": ("BND",),
        "BLUFF": ("BLF", "BLUF"),
        "BLUFFS": ("BLFS",),
        "BOTTOM": ("BTM", "BOT", "BOTTM"),
        "BOULEVARD": ("BLVD", "BOUL", "BOULV"),
        "BRANCH": ("BR", "BRNCH"),
        "BRIDGE": ("BRG", "BRDGE"),
        "BROOK": ("BRK",),
        "BROOKS": ("BRKS",),
        "BURG": ("BG",),
        "BURGS": ("BGS",),
        "BYPASS": ("BYP", "BYPA", "BYPAS", "BYPS"),
        "CAMP": ("CP", "CMP"),
        "CANYON": ("CYN", "CANYN", "CNYN"),
        "CAPE": ("CPE",),
        "CAUSEWAY": ("CSWY", "CAUSWA"),
        "CENTER": ("CTR", "CEN", "CENT", "CENTR", "CENTRE", "CNTER", "CNTR"),
        "CENTERS": ("CTRS",),
        "CIRCLE": ("CIR", "CIRC", "CIRCL", "CRCL", "CRCLE"),
        "CIRCLES": ("CIRS",),
        "CLIFF": ("CLF",),
        "CLIFFS": ("CLFS",),
        "CLUB": ("CLB",),
        "COMMON": ("CMN",),
        "COMMONS": ("CMNS",),
        "CORNER": ("COR",),
        "CORNERS": ("CORS",),
        "COURSE": ("CRSE",),
        "COURT": ("CT",),
        "COURTS": ("CTS",),
        "COVE": ("CV",),
        "COVES": ("CVS",),
        "CREEK": ("CRK",),
        "CRESCENT": ("CRES", "CRSENT", "CRSNT"),
        "CREST": ("CRST",),
        "CROSSING": ("XING", "CRSSNG"),
        "CROSSROAD": ("XRD",),
        "CROSSROADS": ("XRDS",),
        "CURVE": ("CURV",),
        "DALE": ("DL",),
        "DAM": ("DM",),
        "DIVIDE": ("DV", "DIV", "DVD"),
        "DRIVE": ("DR", "DRIV", "DRV"),
        "DRIVES": ("DRS",),
        "ESTATE": ("EST",),
        "ESTATES": ("ESTS",),
        "EXPRESSWAY": ("EXPY", "EXP", "EXPR", "EXPRESS", "EXPW"),
        "EXTENSION": ("EXT", "EXTN", "EXTNSN"),
        "EXTENSIONS": ("EXTS",),
        "FALL": (),
        "FALLS": ("FLS",),
        "FERRY": ("FRY", "FRRY"),
        "FIELD": ("FLD",),
        "FIELDS": ("FLDS",),
        "FLAT": ("FLT",),
        "FLATS": ("FLTS",),
        "FORD": ("FRD",),
        "FORDS": ("FRDS",),
        "FOREST": ("FRST", "FORESTS"),
        "FORGE": ("FRG", "FORG"),
        "FORGES": ("FRGS",),
        "FORK": ("FRK",),
        "FORKS": ("FRKS",),
        "FORT": ("FT", "FRT"),
        "FREEWAY": ("FWY", "FREEWY", "FRWAY", "FRWY"),
        "GARDEN": ("GDN", "GARDN", "GRDEN", "GRDN"),
        "GARDENS": ("GDNS", "GRDNS"),
        "GATEWAY": ("GTWY", "GATEWY", "GATWAY", "GTWAY"),
        "GLEN": ("GLN",),
        "GLENS": ("GLNS",),
        "GREEN": ("GRN",),
        "GREENS": ("GRNS",),
        "GROVE": ("GRV", "GROV"),
        "GROVES": ("GRVS",),
        "HARBOR": ("HBR", "HARB", "HARBR", "HRBOR"),
        "HARBORS": ("HBRS",),
        "HAVEN": ("HVN",),
        "HEIGHTS": ("HTS", "HT"),
        "HIGHWAY": ("HWY", "HIGHWY", "HIWAY", "HIWY", "HWAY"),
        "HILL": ("HL",),
        "HILLS": ("HLS",),
        "HOLLOW": ("HOLW", "HLLW", "HOLLOWS", "HOLWS"),
        "INLET": ("INLT",),
        "ISLAND": ("IS", "ISLND"),
        "ISLANDS": ("ISS", "ISLNDS"),
        "ISLE": ("ISLES",),
        "JUNCTION": ("JCT", "JCTION", "JCTN", "JUNCTN", "JUNCTON"),
        "JUNCTIONS": ("JCTS", "JCTNS"),
        "KEY": ("KY",),
        "KEYS": ("KYS",),
        "KNOLL": ("KNL", "KNOL"),
        "KNOLLS": ("KNLS",),
        "LAKE": ("LK",),
        "LAKES": ("LKS",),
        "LAND": (),
        "LANDING": ("LNDG", "LNDNG"),
        "LANE": ("LN",),
        "LIGHT": ("LGT",),
        "LIGHTS": ("LGTS",),
        "LOAF": ("LF",),
        "LOCK": ("LCK",),
        "LOCKS": ("LCKS",),
        "LODGE": ("LDG", "LDGE", "LODG"),
        "LOOP": ("LOOPS",),
        "MALL": (),
        "MANOR": ("MNR",),
        "MANORS": ("MNRS",),
        "MEADOW": ("MDW",),
        "MEADOWS": ("MDWS", "MEDOWS"),
        "MEWS": (),
        "MILL": ("ML",),
        "MILLS": ("MLS",),
        "MISSION": ("MSN", "MISSN", "MSSN"),
        "MOTORWAY": ("MTWY",),
        "MOUNT": ("MT", "MNT"),
        "MOUNTAIN": ("MTN", "MNTAIN", "MNTN", "MOUNTIN", "MTIN"),
        "MOUNTAINS": ("MTNS", "MNTNS"),
        "NECK": ("NCK",),
        "ORCHARD": ("ORCH", "ORCHRD"),
        "OVAL": ("OVL",),
        "OVERPASS": ("OPAS",),
        "PARK": ("PRK",),
        "PARKS": (),
        "PARKWAY": ("PKWY", "PARKWY", "PKWAY", "PKY"),
        "PARKWAYS": ("PKWYS",),
        "PASS": (),
        "PASSAGE": ("PSGE",),
        "PATH": ("PATHS",),
        "PIKE": ("PIKES",),
        "PINE": ("PNE",),
        "PINES": ("PNES",),
        "PLACE": ("PL",),
        "PLAIN": ("PLN",),
        "PLAINS": ("PLNS",),
        "PLAZA": ("PLZ", "PLZA"),
        "POINT": ("PT",),
        "POINTS": ("PTS",),
        "PORT": ("PRT",),
        "PORTS": ("PRTS",),
        "PRAIRIE": ("PR", "PRR"),
        "RADIAL": ("RADL", "RAD", "RADIEL"),
        "RAMP": (),
        "RANCH": ("RNCH", "RANCHES", "RNCHS"),
        "RAPID": ("RPD",),
        "RAPIDS": ("RPDS",),
        "REST": ("RST",),
        "RIDGE": ("RDG", "RDGE"),
        "RIDGES": ("RDGS",),
        "RIVER": ("RIV", "RVR", "RIVR"),
        "ROAD": ("RD",),
        "ROADS": ("RDS",),
        "ROUTE": ("RTE",),
        "ROW": (),
        "RUE": (),
        "RUN": (),
        "SHOAL": ("SHL",),
        "SHOALS": ("SHLS",),
        "SHORE": ("SHR", "SHOAR"),
        "SHORES": ("SHRS", "SHOARS"),
        "SKYWAY": ("SKWY",),
        "SPRING": ("SPG", "SPNG", "SPRNG"),
        "SPRINGS": ("SPGS", "SPNGS", "SPRNGS"),
        "SPUR": ("SPURS",),
        "SQUARE": ("SQ", "SQR", "SQRE", "SQU"),
        "SQUARES": ("SQS", "SQRS"),
        "STATION": ("STA", "STATN", "STN"),
        "STRAVENUE": ("STRA", "STRAV", "STRAVEN", "STRAVN", "STRVN", "STRVNUE"),
        "STREAM": ("STRM", "STREME"),
        "STREET": ("ST", "STRT", "STR"),
        "STREETS": ("STS",),
        "SUMMIT": ("SMT", "SUMIT", "SUMITT"),
        "TERRACE": ("TER", "TERR"),
        "THROUGHWAY": ("TRWY",),
        "TRACE": ("TRCE", "TRACES"),
        "TRACK": ("TRAK", "TRACKS", "TRK", "TRKS"),
        "TRAFFICWAY": ("TRFY",),
        "TRAIL": ("TRL", "TRAILS", "TRLS"),
        "TRAILER": ("TRLR", "TRLRS"),
        "TUNNEL": ("TUNL", "TUNEL", "TUNLS", "TUNNELS", "TUNNL"),
        "TURNPIKE": ("TPKE", "TRNPK", "TURNPK"),
        "UNDERPASS": ("UPAS",),
        "UNION": ("UN",),
        "UNIONS": ("UNS",),
        "VALLEY": ("VLY", "VALLY", "VLLY"),
        "VALLEYS": ("VLYS",),
        "VIADUCT": ("VIA", "VDCT", "VIADCT"),
        "VIEW": ("VW",),
        "VIEWS": ("VWS",),
        "VILLAGE": ("VLG", "VILL", "VILLAG", "VILLG", "VILLIAGE"),
        "VILLAGES": ("VLGS",),
        "VILLE": ("VL",),
        "VISTA": ("VIS", "VIST", "VST", "VSTA"),
        "WALK": ("WALKS",),
        "WALL": (),
        "WAY": ("WY",),
        "WAYS": (),
        "WELL": ("WL",),
        "WELLS": ("WLS",),
    }
)

# Canada Post street types, English (after the name) -> abbreviations, where not in USPS C1.
CANADA_POST_EN: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "ABBEY": (), "ACRES": (), "AUTOROUTE": ("AUT",), "BAY": (), "BYWAY": (), "CAMPUS": (),
        "COURT": ("CRT",), "EXTENSION": ("EXTEN",), "LANDING": ("LANDNG",), "PARK": ("PK",),
        "CENTRE": ("CTR",), "CHASE": (), "CIRCUIT": ("CIRCT",), "CLOSE": (),
        "CONCESSION": ("CONC",), "CRESCENT": ("CRES",), "CROSSING": ("CROSS",),
        "CUL-DE-SAC": ("CDS",), "DELL": (), "DIVERSION": ("DIVERS",), "DOWNS": (), "END": (),
        "ESTATES": ("ESTATE",), "FARM": (), "FRONT": (), "GATE": (), "GLADE": (),
        "GROUNDS": ("GRNDS",), "HARBOUR": ("HARBR",), "HEATH": (), "HIGHLANDS": ("HGHLDS",),
        "LIMITS": ("LMTS",), "LINE": (), "LINK": (), "LOOKOUT": ("LKOUT",), "MAZE": (),
        "MOOR": (), "PARADE": (), "PATHWAY": ("PTWAY",), "PLATEAU": ("PLAT",), "POINTE": (),
        "PRIVATE": ("PVT",), "QUAY": (), "RANGE": ("RG",), "RISE": (), "SUBDIVISION": ("SUBDIV",),
        "THICKET": ("THICK",), "TOWERS": (), "TOWNLINE": ("TLINE",), "TURNABOUT": ("TRNABT",),
        "VALE": (), "VILLAS": (), "WHARF": (), "WOOD": (), "WYND": (),
    }
)  # fmt: skip

# Canada Post street types, French (before the name) -> abbreviations.
CANADA_POST_FR: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "ALLÉE": ("ALLEE",), "AUTOROUTE": ("AUT",), "AVENUE": ("AV",), "BOULEVARD": ("BOUL", "BD"),
        "CARRÉ": ("CAR",), "CARREFOUR": ("CARREF",), "CERCLE": (), "CHEMIN": ("CH",), "COUR": (),
        "COURS": (), "CÔTE": ("COTE",), "CROISSANT": ("CROIS",), "CUL-DE-SAC": ("CDS",),
        "ÉCHANGEUR": ("ÉCH", "ECH"), "ESPLANADE": ("ESPL",), "ÎLE": ("ILE",),
        "IMPASSE": ("IMP",), "JARDIN": (), "JARDINS": (), "MONTÉE": ("MONTEE",), "PARC": (),
        "PASSAGE": (), "PLACE": ("PL",), "PLATEAU": ("PLAT",), "POINTE": (), "PROMENADE": ("PROM",),
        "QUAI": (), "RANG": (), "ROND-POINT": ("RDPT",), "ROUTE": ("RTE",), "RUE": (),
        "RUELLE": (), "SENTIER": ("SENT",), "SQUARE": ("SQ",), "TERRASSE": ("TSSE",),
        "VOIE": (), "VILLAGE": ("VILLGE",),
    }
)  # fmt: skip

# Street types of France (the "type de voie" of its street registers) that Canada Post does not
# list, written before the name like the others ("4 cité du Midi", "12 hameau des Pins").
FRANCE_TYPES: tuple[str, ...] = (
    "CHAUSSÉE", "CITÉ", "CLOS", "CORNICHE", "DOMAINE", "FAUBOURG", "FBG", "GALERIE", "HAMEAU",
    "LIEU-DIT", "LOTISSEMENT", "PARVIS", "RÉSIDENCE", "SENTE", "TRAVERSE", "VILLA", "VENELLE",
    "QUARTIER",
)  # fmt: skip

# Colombian and other Latin American grid addresses: a numbered street type, then "# 63-64"
# ("Calle 72 # 10-34", "Cra 18#41-12 B", "Carrera 15 No. 93-60").
LATAM_GRID_TYPES: tuple[str, ...] = (
    "CALLE", "CL.", "CLL", "CARRERA", "CRA", "CRA.", "KR", "KRA", "CR.", "AVENIDA", "AV.", "AK",
    "AC", "DIAGONAL", "DG", "DG.", "TRANSVERSAL", "TV", "TV.", "TRANSV.",
)  # fmt: skip
# Russian street types (before or after the name) and house words ("ул. Лесная д. 10 кв. 4",
# "Речная наб., 34"): full names and the usual abbreviations.
CYRILLIC_STREET_TYPES: tuple[str, ...] = (
    "улица", "ул.", "проспект", "просп.", "пр-т", "пр.", "переулок", "пер.", "набережная",
    "наб.", "шоссе", "ш.", "бульвар", "бул.", "б-р", "площадь", "пл.", "проезд", "тупик",
    "аллея", "вулиця", "вул.",
)  # fmt: skip
CYRILLIC_HOUSE_WORDS: tuple[str, ...] = ("д.", "дом", "корп.", "к.", "стр.", "кв.", "оф.")

# Full names that are everyday English words ("a long drive", "the main path"): in lower case
# they need more than a number and a name to count (a unit, a directional, a city/state tail).
WEAK_WORDS: frozenset[str] = frozenset(
    {
        "ABBEY", "ACRES", "ANEX", "ARCADE", "BAY", "BEACH", "BEND", "BLUFF", "BLUFFS", "BOTTOM",
        "BRANCH", "BRIDGE", "BROOK", "BROOKS", "BURG", "BURGS", "CAMP", "CAMPUS", "CANYON",
        "CAPE", "CENTER", "CENTERS", "CENTRE", "CHASE", "CIRCLE", "CIRCLES", "CIRCUIT", "CLIFF",
        "CLIFFS", "CLOSE", "CLUB", "COMMON", "COMMONS", "CONCESSION", "CORNER", "CORNERS",
        "COURSE", "COURT", "COURTS", "COVE", "COVES", "CREEK", "CREST", "CROSSING", "CROSSROAD",
        "CROSSROADS", "CURVE", "DALE", "DAM", "DELL", "DIVERSION", "DIVIDE", "DOWNS", "DRIVE",
        "DRIVES", "END", "ESTATE", "ESTATES", "EXTENSION", "EXTENSIONS", "FALL", "FALLS", "FARM",
        "FERRY", "FIELD", "FIELDS", "FLAT", "FLATS", "FORD", "FORDS", "FOREST", "FORGE",
        "FORGES", "FORK", "FORKS", "FORT", "FRONT", "GARDEN", "GARDENS", "GATE", "GATEWAY",
        "GLADE", "GLEN", "GLENS", "GREEN", "GREENS", "GROUNDS", "GROVE", "GROVES", "HARBOR",
        "HARBORS", "HARBOUR", "HAVEN", "HEATH", "HEIGHTS", "HIGHLANDS", "HILL", "HILLS",
        "HOLLOW", "INLET", "ISLAND", "ISLANDS", "ISLE", "JUNCTION", "JUNCTIONS", "KEY", "KEYS",
        "KNOLL", "KNOLLS", "LAKE", "LAKES", "LAND", "LANDING", "LIGHT", "LIGHTS", "LIMITS",
        "LINE", "LINK", "LOAF", "LOCK", "LOCKS", "LODGE", "LOOKOUT", "LOOP", "MALL", "MANOR",
        "MANORS", "MAZE", "MEADOW", "MEADOWS", "MEWS", "MILL", "MILLS", "MISSION", "MOOR",
        "MOUNT", "MOUNTAIN", "MOUNTAINS", "NECK", "ORCHARD", "OVAL", "OVERPASS", "PARADE",
        "PARK", "PARKS", "PASS", "PASSAGE", "PATH", "PATHWAY", "PIKE", "PINE", "PINES", "PLACE",
        "PLAIN", "PLAINS", "PLATEAU", "PLAZA", "POINT", "POINTE", "POINTS", "PORT", "PORTS",
        "PRAIRIE", "PRIVATE", "QUAY", "RADIAL", "RAMP", "RANCH", "RANGE", "RAPID", "RAPIDS",
        "REST", "RIDGE", "RIDGES", "RISE", "RIVER", "ROUTE", "ROW", "RUN", "SHOAL", "SHOALS",
        "SHORE", "SHORES", "SPRING", "SPRINGS", "SPUR", "SQUARE", "SQUARES", "STATION", "STREAM",
        "SUMMIT", "THICKET", "TOWERS", "TRACE", "TRACK", "TRAIL", "TRAILER", "TUNNEL", "UNION",
        "UNIONS", "VALE", "VALLEY", "VALLEYS", "VIADUCT", "VIEW", "VIEWS", "VILLAGE", "VILLAGES",
        "VILLAS", "VILLE", "VISTA", "WALK", "WALL", "WAY", "WAYS", "WELL", "WELLS", "WHARF",
        "WOOD", "WYND",
    }
)  # fmt: skip

# Abbreviations too ambiguous for free text ("5 Square Ft", "500 ML", "Is", "Via"): the column
# classifier, anchored on a whole cell, still uses them.
TEXT_AMBIGUOUS: frozenset[str] = frozenset(
    {
        "AUT", "BG", "BOT", "BR", "CAR", "CEN", "CENT", "COR", "CP", "DIV", "DL", "DM", "DV",
        "EST", "EXP", "EXPRESS", "EXT", "FT", "HT", "IS", "KY", "LF", "ML", "PLAT", "PR", "PT",
        "RAD", "RG", "RST", "STA", "UN", "VIA", "VIS", "VL", "CROSS", "THICK", "ESTATE", "PVT",
        "STR", "CAUSWA", "ARC", "SENT", "ECH", "ÉCH", "CDS", "PROM", "TSSE", "VILLGE", "ILE",
    }
)  # fmt: skip

# Types written before a number or a letter: "Highway 31", "County Road 12", "Avenue H".
NUMBERED_ROUTES: tuple[str, ...] = (
    "HIGHWAY", "HWY", "HWYS", "HGWY", "HGHWY", "HIWAY", "ROUTE", "RTE", "RT", "ROAD", "RD",
    "COUNTY ROAD", "COUNTY RD", "COUNTY HIGHWAY", "COUNTY HWY", "CR", "STATE ROAD", "STATE RD",
    "STATE ROUTE", "STATE RTE", "STATE HIGHWAY", "STATE HWY", "SR", "US HIGHWAY", "US HWY",
    "US ROUTE", "U.S. HIGHWAY", "U.S. ROUTE", "US", "U.S.", "INTERSTATE", "IH", "I-",
    "FARM TO MARKET ROAD", "FARM ROAD", "FM", "RANCH ROAD", "PRIVATE ROAD", "PR",
    "BUSINESS", "LOOP", "SPUR", "AVENUE", "AVE", "AUTOROUTE", "CONCESSION", "CONC",
    "SIDEROAD", "LINE", "RANG",
)  # fmt: skip

# USPS Pub. 28 C2 secondary unit designators and Canada Post unit designators (EN and FR).
UNIT_DESIGNATORS: tuple[str, ...] = (
    "APARTMENT", "APT", "APPT", "APP", "APPARTEMENT", "BASEMENT", "BSMT", "BUILDING", "BLDG",
    "BLD", "DEPARTMENT", "DEPT", "FLOOR", "FL", "FLR", "HANGAR", "HNGR", "LOT", "OFFICE",
    "OFC", "PENTHOUSE", "PH", "PIER", "ROOM", "RM", "SLIP", "SPACE", "SPC", "STOP", "SUITE",
    "STE", "TRAILER", "TRLR", "UNIT", "UNITÉ", "BUREAU", "LOCAL", "PIÈCE", "SALLE", "ÉTAGE",
    "FLAT", "LEVEL", "LVL", "PMB", "MAILBOX", "MSC", "LOCKBOX", "BOX", "TOWER", "FILE", "BIN",
    "DRAWER", "LB", "LBX", "MAIL CODE", "MC",
)  # fmt: skip

# Designators that name a unit on their own, even without a street type before them
# ("1723 N Sheffield Unit 2B"); "office", "stop", "box" are everyday words first.
STRONG_UNIT_DESIGNATORS: tuple[str, ...] = (
    "APARTMENT", "APT", "APPT", "APP", "APPARTEMENT", "SUITE", "STE", "UNIT", "UNITÉ", "BUREAU",
    "BLDG", "FLR", "PMB", "TRLR", "SPC", "RM",
)  # fmt: skip

# Directionals written before or after a street name, English and French (O = Ouest).
DIRECTIONALS: tuple[str, ...] = (
    "NORTHEAST", "NORTHWEST", "SOUTHEAST", "SOUTHWEST", "NORTH", "SOUTH", "EAST", "WEST",
    "NORD-EST", "NORD-OUEST", "SUD-EST", "SUD-OUEST", "NORD", "SUD", "EST", "OUEST",
    "NE", "NW", "SE", "SW", "NO", "SO", "N", "S", "E", "W", "O",
)  # fmt: skip

# PO boxes and their kin: US (USPS Pub. 28 §2.2), Canada Post (EN/FR), and a few European forms.
PO_BOXES: tuple[str, ...] = (
    "P.O. BOX", "PO BOX", "P O BOX", "P.O.BOX", "POBOX", "PO BX", "P.O. BX", "POB", "P.O.B.",
    "POST OFFICE BOX", "LOCK BOX", "LOCKBOX", "DRAWER", "C.P.", "CASE POSTALE", "B.P.",
    "BOÎTE POSTALE", "POSTFACH", "APARTADO", "APARTADO POSTAL", "CAIXA POSTAL",
)  # fmt: skip
# Rural and military delivery: "RR 2 Box 15", "HC 68 Box 23A", "PSC 1234 Box 5678".
RURAL_ROUTES: tuple[str, ...] = (
    "RR", "R.R.", "RURAL ROUTE", "ROUTE RURALE", "HC", "HCR", "HIGHWAY CONTRACT",
    "HIGHWAY CONTRACT ROUTE", "HWY CONTRACT", "STAR ROUTE", "STAR RTE", "CMR", "PSC", "ROUTE",
    "RTE", "RT", "RFD", "CONTRACT",
)  # fmt: skip

# French particles between a type and a name: "rue de la Montagne", "chemin de l'Église".
FR_PARTICLES: tuple[str, ...] = ("de la", "de l'", "de l’", "des", "du", "de", "d'", "d’")

# Type words of other European languages written before the name and before the number
# ("Rua do Sol 17", "Calle Principal 20", "Via Roma 12") or after it ("Sars gate 2A").
ROMANCE_PREFIX_TYPES: tuple[str, ...] = (
    "RUA", "CALLE", "C/", "CARRER", "AVENIDA", "AVDA.", "VIALE", "PIAZZA", "PIAZZALE",
    "CORSO", "LARGO", "STRADA", "PASEO", "PRAÇA", "TRAVESSA", "ALAMEDA", "RAMBLA", "RONDA",
    "CAMINO", "CARRETERA", "PLAZA", "ALEJA", "ULICA", "UL.", "STR.", "JALAN", "JL.",
    # Portuguese, Spanish, Italian, Romanian, Polish, Croatian, Serbian
    "AV.", "AVDA", "TV.", "PÇ.", "ESTRADA", "BECO", "LADEIRA", "RODOVIA", "PZA.", "TRAVESÍA",
    "GLORIETA", "PASAJE", "VIA", "VICOLO", "LUNGOMARE", "CONTRADA", "BULEVARDUL", "BDUL",
    "BDUL.", "B-DUL", "CALEA", "SPLAIUL", "ALEEA", "ȘOSEAUA", "SOSEAUA", "PIAȚA", "PIATA",
    "INTRAREA", "PLAC", "AL.", "OSIEDLE", "OS.", "TRG", "BULEVAR",
)  # fmt: skip
# Of those, the ones that name a street even with no house number after ("Rua Augusta",
# "Bulevardul Unirii"): not everyday words in English ("Via", "Plaza", "Camino", "Largo" are).
ROMANCE_BARE_TYPES: tuple[str, ...] = (
    "RUA", "CALLE", "CARRER", "AVENIDA", "VIALE", "PIAZZA", "PIAZZALE", "CORSO", "STRADA",
    "PASEO", "PRAÇA", "TRAVESSA", "RAMBLA", "CARRETERA", "ALEJA", "ULICA", "BULEVARDUL",
    "CALEA", "SPLAIUL", "ALEEA", "ȘOSEAUA", "SOSEAUA", "PIAȚA", "INTRAREA", "BULEVAR", "TRG",
)  # fmt: skip
EUROPEAN_SUFFIXES: tuple[str, ...] = (
    "straat", "strasse", "straße", "gasse", "weg", "laan", "plein", "gracht", "vej",
    "väg", "vägen", "gatan", "gata", "utca", "ulica", "allee", "platz", "damm", "veien",
    "vegen", "vei", "plass", "plads", "katu", "kuja", "torget", "gränd", "dijk", "kade",
    "singel", "dreef", "steeg", "gaten", "plassen", "stræde", "allé", "torv", "stigen",
    "backe", "backen", "vagen", "náměstí", "nábřeží", "třída", "námestie", "körút", "út", "tér",
)  # fmt: skip
# Street-type endings written only fused into the name ("Mannerheimintie 5", "Nørregade 4",
# "Rosenstr. 14", "Stationsbaan 3"): as a word of their own they are ordinary words ("bow tie").
EUROPEAN_FUSED_SUFFIXES: tuple[str, ...] = (
    "ntie", "gade", "str.", "pl.", "baan", "markt", "ufer", "chaussee", "steig", "pfad",
    "zeile", "polku", "väylä", "tori", "kaari", "straatje", "plantsoen", "vænget",
)  # fmt: skip
# Endings that name a street even with no house number after ("Goethestraße", "Tulpenplein",
# "Drottninggatan"): no English word ends so.
EUROPEAN_BARE_SUFFIXES: tuple[str, ...] = (
    "straat", "strasse", "straße", "gasse", "weg", "laan", "plein", "gracht", "vej", "vägen",
    "gatan", "utca", "ulica", "allee", "platz", "veien", "vegen", "plass", "plads", "katu",
    "kuja", "torget", "gränd", "dijk", "singel", "dreef", "steeg", "plassen", "stræde",
)  # fmt: skip
# German and Dutch street types written as a word of their own, capitalised, after the name
# ("Wiesbadener Allee", "Frankfurter Straße", "Kurfürstendamm" is fused).
EUROPEAN_TYPE_WORDS: tuple[str, ...] = (
    "Straße", "Strasse", "Allee", "Platz", "Gasse", "Damm", "Ufer", "Chaussee", "Weg",
    "Straat", "Laan", "Plein", "Gracht", "Kade", "Singel",
)  # fmt: skip
# Words before such a name that belong to it ("Nieuwe Kerkweg", "Gamla Skolvägen", "St
# Jansstraat", "Vestre Torggate").
EUROPEAN_QUALIFIERS: tuple[str, ...] = (
    "St", "St.", "Sankt", "Nieuwe", "Oude", "Korte", "Lange", "Alte", "Alter", "Neue", "Neuer",
    "Große", "Grosse", "Kleine", "Hohe", "Obere", "Untere", "Gamla", "Nya", "Stora", "Lilla",
    "Store", "Lille", "Gamle", "Vestre", "Østre", "Nordre", "Søndre", "Øvre", "Nedre",
    "Burgemeester", "Prins", "Prinses", "Koning", "Koningin", "Dr.", "Professor", "Prof.",
)  # fmt: skip
# German and Dutch streets named by a preposition and a place ("Am Markt 11", "An der Alster 4",
# "Op de Kamp 3"): counted with a house number and nothing after it but a comma or the end.
# Not "Im": in English chats it is "I'm" ("Im Level 5, help").
EUROPEAN_PREPOSITIONS: tuple[str, ...] = (
    "Am", "Zum", "Zur", "Beim", "An der", "An den", "An dem", "Auf der", "Auf dem",
    "Auf den", "In der", "In den", "Unter den", "Unter der", "Hinter der", "Hinter dem",
    "Hinter den", "Vor dem", "Vor den", "Bei der", "Op de", "Op het", "Aan de", "Aan het",
    "In de", "In het", "Achter de", "Achter het", "Bij de", "Over de", "Auf'm", "Na", "Pod",
    "Nad",
)  # fmt: skip
# Czech, Slovak, Polish, Croatian streets are adjectives with no type word ("Vinohradská 12",
# "Floriańska 22", "Lipová 810"): these endings, with a house number, make a street line.
SLAVIC_STREET_ENDINGS: tuple[str, ...] = (
    "ská", "ský", "ské", "cká", "ní", "ná", "ová", "ova", "ska", "cka", "ška", "čka", "owa",
    "ego", "ńska", "ička", "ačka",
)  # fmt: skip

US_STATE_NAMES: tuple[str, ...] = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois",
    "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts",
    "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
    "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Puerto Rico", "Rhode Island",
    "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia",
    "Washington", "West Virginia", "Wisconsin", "Wyoming",
)  # fmt: skip
US_STATE_CODES: tuple[str, ...] = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "PR",
)  # fmt: skip
CA_PROVINCE_NAMES: tuple[str, ...] = (
    "Alberta", "British Columbia", "Colombie-Britannique", "Manitoba", "New Brunswick",
    "Nouveau-Brunswick", "Newfoundland and Labrador", "Terre-Neuve-et-Labrador",
    "Nova Scotia", "Nouvelle-Écosse", "Ontario", "Prince Edward Island",
    "Île-du-Prince-Édouard", "Quebec", "Québec", "Saskatchewan", "Yukon",
    "Northwest Territories", "Territoires du Nord-Ouest", "Nunavut",
)  # fmt: skip
CA_PROVINCE_CODES: tuple[str, ...] = (
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
)  # fmt: skip


def street_types(text_safe: bool = False) -> frozenset[str]:
    """Every street type in upper case (USPS names and abbreviations, Canada Post English and
    French); with `text_safe`, without the abbreviations too ambiguous for free text."""
    words: set[str] = set()
    for table in (USPS_SUFFIXES, CANADA_POST_EN, CANADA_POST_FR):
        for name, abbreviations in table.items():
            words.add(name)
            words.update(abbreviations)
    return frozenset(words - TEXT_AMBIGUOUS if text_safe else words)


def alternation(words: Iterable[str], flexible_space: bool = True) -> str:
    """A compact regex alternation of `words` as written: a trie, so a longer word is tried
    before its prefix and the pattern stays small (these tables are embedded many times).
    `.` is literal; with `flexible_space`, a space is a run of blanks (none needed after `.`)."""
    root: dict[str, dict] = {}
    for word in set(words):
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _render(root, flexible_space) or "(?!)"


def _render(node: dict[str, dict], flexible_space: bool, after: str = "") -> str:
    branches = []
    for char, child in sorted(node.items()):
        if not char:
            continue
        if char == " " and flexible_space:
            token = r"[ \t]*" if after == "." else r"[ \t]+"
        else:
            token = re.escape(char)
        branches.append((token, _render(child, flexible_space, char)))
    if not branches:
        return ""
    single_chars = [t for t, rest in branches if not rest and not t.startswith("[")]
    if len(single_chars) == len(branches) > 1:
        body, atom = "[" + "".join(single_chars) + "]", True
    elif len(branches) == 1:
        token, rest = branches[0]
        body = token + rest
        atom = not rest and not token.startswith("[") and len(token.lstrip("\\")) == 1
    else:
        body, atom = "(?:" + "|".join(t + rest for t, rest in branches) + ")", True
    if "" in node:
        return f"{body}?" if atom else f"(?:{body})?"
    return body


def cased(words: Iterable[str]) -> list[str]:
    """Each word as written in upper case, capitalised and lower case: `PARK`, `Park`, `park`."""
    out: list[str] = []
    for word in words:
        out.extend({word.upper(), word.capitalize(), word.lower()})
    return out
