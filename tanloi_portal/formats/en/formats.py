# The English interface writes numbers the English way (a decimal point, a comma between thousands: 1,234.5;
# 76.9%) and dates day first as British English does (dd/mm/yyyy), so a date reads and is typed the same in
# both languages. Numbers are typed either way in both (tanloi_portal.numbers.read_number).
from tanloi_portal.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
