"""Word lists for people and places; all invented combinations, no external data source."""

from __future__ import annotations

from dataclasses import dataclass

FIRST_NAMES: tuple[str, ...] = (
    "Jane", "John", "Zoë", "José", "Marie", "Marc", "Élodie", "François", "Aïcha", "Mohamed",
    "Priya", "Arjun", "Mei", "Wei", "Hiroshi", "Yuki", "Olga", "Dmitri", "Siobhán", "Seán",
    "Chloé", "Benoît", "Gaëlle", "Renée", "Ana", "João", "Lucía", "Andrés", "Fatima", "Omar",
    "Kwame", "Amara", "Noah", "Emma", "Liam", "Olivia", "Ethan", "Sophia", "Lucas", "Ava",
    "Björn", "Åsa", "Søren", "Łukasz", "Zofia", "Nguyễn", "Minh", "Thảo", "Raphaël", "Inès",
    "Mateo", "Camila", "Hannah", "David", "Sarah", "Michael", "Jessica", "Daniel", "Aaliyah",
    "Tremaine", "Keisha", "Hamza", "Leila", "Yaw", "Ngozi", "Chidi", "Ravi", "Anjali", "Sung-min",
)
LAST_NAMES: tuple[str, ...] = (
    "Roe", "Doe", "Brûlé", "Núñez", "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier",
    "Lévesque", "Bélanger", "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
    "Davis", "Rodríguez", "Martínez", "Hernández", "López", "González", "Wilson", "Anderson",
    "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Pérez", "Thompson", "White",
    "Nguyen", "Tran", "Kim", "Park", "Chen", "Wang", "Singh", "Patel", "Sharma", "Kumar",
    "O'Brien", "MacDonald", "Müller", "Schäfer", "Øster", "Kowalski", "Wiśniewska", "Dubois",
    "Lefèvre", "Okafor", "Mensah", "Haddad", "Khalil", "Yamamoto", "Tanaka", "Ivanova", "Novák",
    "da Silva", "Gonçalves", "Fernández", "St-Pierre", "Lalonde", "Desjardins", "Ouellet",
)
CA_STREETS: tuple[str, ...] = (
    "Rue Sainte-Catherine O", "Rue Saint-Denis", "Boul. René-Lévesque E", "Av. du Parc",
    "Rue Sherbrooke O", "Rue Notre-Dame O", "Chemin de la Côte-des-Neiges", "Grande Allée E",
    "King St W", "Queen St E", "Yonge St", "Bloor St W", "Dundas St", "Lakeshore Blvd W",
    "Granville St", "Robson St", "Commercial Dr", "Wellington St", "Jasper Ave", "Portage Ave",
    "Spring Garden Rd", "Maple Ave", "Main St", "Elm St", "Cedar Rd", "Birch Ln",
)
US_STREETS: tuple[str, ...] = (
    "Maple Ave", "Oak St", "Main St", "Elm St", "Pine Ave", "Broadway", "Sunset Blvd",
    "Market St", "Mission St", "Michigan Ave", "Lake Shore Dr", "Washington St", "2nd Ave",
    "5th Ave", "Peachtree St NE", "Congress Ave", "Colfax Ave", "Pike St", "Biscayne Blvd",
    "Hennepin Ave", "Church St", "Cedar Rd",
)
UNIT_STYLES: tuple[str, ...] = ("", "", "", " Apt {n}", " Unit {n}", " #{n}", " Suite {n}")


@dataclass(frozen=True)
class City:
    """A city with its region code, country and how its postal codes start."""

    name: str
    region: str
    country: str
    postal_prefix: str  # first letter (Canada) or first three digits (US ZIP)
    area_codes: tuple[int, ...]


CITIES: tuple[City, ...] = (
    City("Montréal", "QC", "CA", "H", (514, 438)),
    City("Laval", "QC", "CA", "H", (450, 579)),
    City("Québec", "QC", "CA", "G", (418, 581)),
    City("Gatineau", "QC", "CA", "J", (819, 873)),
    City("Toronto", "ON", "CA", "M", (416, 647, 437)),
    City("Ottawa", "ON", "CA", "K", (613, 343)),
    City("Mississauga", "ON", "CA", "L", (905, 289)),
    City("Vancouver", "BC", "CA", "V", (604, 778)),
    City("Victoria", "BC", "CA", "V", (250, 236)),
    City("Calgary", "AB", "CA", "T", (403, 587)),
    City("Edmonton", "AB", "CA", "T", (780, 825)),
    City("Winnipeg", "MB", "CA", "R", (204, 431)),
    City("Halifax", "NS", "CA", "B", (902, 782)),
    City("Saskatoon", "SK", "CA", "S", (306, 639)),
    City("New York", "NY", "US", "100", (212, 646, 917)),
    City("Brooklyn", "NY", "US", "112", (718, 347)),
    City("San Francisco", "CA", "US", "941", (415, 628)),
    City("Los Angeles", "CA", "US", "900", (213, 323)),
    City("Chicago", "IL", "US", "606", (312, 773)),
    City("Boston", "MA", "US", "021", (617, 857)),
    City("Seattle", "WA", "US", "981", (206,)),
    City("Austin", "TX", "US", "787", (512, 737)),
    City("Denver", "CO", "US", "802", (303, 720)),
    City("Miami", "FL", "US", "331", (305, 786)),
    City("Atlanta", "GA", "US", "303", (404, 470)),
    City("Minneapolis", "MN", "US", "554", (612,)),
    City("Burlington", "VT", "US", "054", (802,)),
)
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "mail.example.com")
