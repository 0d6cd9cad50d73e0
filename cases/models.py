"""Cases: case records of children at risk or harmed (to come). Responsible units are in tanloi_portal."""
