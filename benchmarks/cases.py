"""`make bench` (cases): the case list, the chairman's statistics and the case page with their query counts
at 100 and 1,000 cases, and the time to print a case file (PDF) of 10 and 60 timeline lines.

Run: python -m benchmarks.cases; BENCH_DATABASE_URL=postgres://... for PostgreSQL.
"""

import os
import statistics
import time
from datetime import timedelta

from benchmarks import start_django

REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))
WALK = [("assess", "officer"), ("detail", "officer"), ("draft_plan", "officer"), ("approve_plan", "chairman"),
        ("start", "officer"), ("review", "officer"), ("close", "chairman")]  # fmt: skip


def main() -> None:
    tmp = start_django(client=True)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from benchmarks import reset_database
    from cases.documents import case_file_pdf
    from cases.models import Case
    from cases.services import case_assign, case_note, case_open, case_step
    from children.demo import generate_registry
    from children.models import Child
    from indicators.reference_data import load_reference_data
    from tanloi_portal.models import Commune, Role
    from tanloi_portal.services import user_create

    reset_database()
    load_reference_data()
    commune = Commune.objects.get(code="tan-loi")
    generate_registry(commune=commune, children=3500, today=timezone.localdate())
    users = {
        "officer": user_create(username="b-officer", role=Role.OFFICER, commune=commune, password="bench-pw-1"),
        "chairman": user_create(username="b-chairman", role=Role.CHAIRMAN, commune=commune, password="bench-pw-1"),
    }
    today, now = timezone.localdate(), timezone.now()
    forms = {
        "assess": {"risk": "medium", "immediate_danger": False, "harm_signs": ["physical"]},
        "detail": {"meeting_on": today, "participants": "VH-XH, Trạm Y tế", "needs": ["health"],
                   "protection_level": "support"},
        "draft_plan": {"objectives": "Trẻ an toàn", "activities": "Khám, tư vấn", "review_on": today + timedelta(30)},
        "approve_plan": {"decision_number": "01/QĐ-UBND"},
        "review": {"situation": "improved", "recommendation": "close"},
        "close": {"outcome": "safe_with_family"},
    }  # fmt: skip
    health = commune.units.get(code="tram-y-te")
    children = list(Child.objects.order_by("pk")[:1000])

    def add_cases(count: int) -> None:
        for i in range(count):
            child = children[(Case.objects.count()) % len(children)]
            case = case_open(child=child, concern="violence" if i % 3 else "neglect", channel="family",
                             received_at=now - timedelta(days=i % 40, hours=1), description="Mô tả",
                             by=users["officer"])  # fmt: skip
            for action, who in WALK[: i % (len(WALK) + 1)]:
                case = case_step(case=case, action=action, by=users[who], expected_version=case.version,
                                 data=forms.get(action), text="Đóng" if action == "close" else "")  # fmt: skip
            if i % 4 == 0 and case.status != "closed":
                case_assign(case=case, unit=health, by=users["officer"], tasks=[("Khám", today + timedelta(3))])

    clients = {}
    for key, user in users.items():
        clients[key] = Client()
        clients[key].force_login(user)

    def measure(client, url):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries.captured_queries)  # read now: the next request resets the connection's query log
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return statistics.median(times), count

    print(f"database: {connection.vendor}; {REPEAT} requests per page, median in ms (queries)")
    for total in [int(n) for n in os.environ.get("BENCH_CASES", "100,1000").split(",")]:
        start = time.perf_counter()
        add_cases(total - Case.objects.count())
        built = time.perf_counter() - start
        sample = Case.objects.exclude(status="closed").order_by("pk").first()
        rows = {
            "case list (officer, open cases)": (clients["officer"], "/ho-so/"),
            "case list, closed included": (clients["officer"], "/ho-so/?tat-ca=1"),
            "statistics (chairman)": (clients["chairman"], "/ho-so/thong-ke/"),
            "case page (officer)": (clients["officer"], f"/ho-so/{sample.pk}/"),
        }
        print(f"{total:>5} cases (built through the services in {built:.1f} s)")
        for label, (client, url) in rows.items():
            ms, queries = measure(client, url)
            print(f"    {label:<36} {ms:8.1f} ms ({queries} queries)")

    case = Case.objects.exclude(status="closed").order_by("pk").first()
    for lines in (10, 60):
        while case.timeline.count() < lines:
            case_note(case=case, by=users["officer"], text="Ghi chú về tình hình của trẻ, gặp gia đình tại nhà. " * 3)
        case_file_pdf(case, show_reporter=True)  # warm: fonts and templates loaded once per process
        times, size = [], 0
        for _ in range(5):
            start = time.perf_counter()
            size = len(case_file_pdf(case, show_reporter=True))
            times.append(time.perf_counter() - start)
        print(f"case file PDF, {lines} timeline lines: {statistics.median(times):.2f} s warm, {size / 1024:.0f} KB")
    tmp.cleanup()


if __name__ == "__main__":
    main()
