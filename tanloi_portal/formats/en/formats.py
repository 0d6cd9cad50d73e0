# The English interface keeps the Vietnamese date and number conventions: the data and its readers are
# Vietnamese, and a report must read the same whichever language the officer chose.
from tanloi_portal.formats.vi.formats import *  # noqa: F403
