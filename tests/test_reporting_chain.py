"""The reporting chain as dated data: who a commune reports to and who signs, as of a document's date; no
text of the portal names the level above."""

import re
from datetime import date
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from tanloi_portal.models import ReportingChain
from tanloi_portal.selectors import reporting_chain_on

pytestmark = pytest.mark.django_db


def test_a_document_keeps_the_chain_of_its_date(commune):
    before = reporting_chain_on(commune=commune, day=date(2025, 6, 30))
    after = reporting_chain_on(commune=commune, day=date(2025, 7, 1))
    assert "huyện Hớn Quản" in before.level_above and "tỉnh" in after.level_above
    assert any("Sở Y tế" in a for a in after.addressee_list) and not any("huyện" in a for a in after.addressee_list)
    assert after.recipient_list[-1] == "Lưu: VT, VHXH." and after.recipient_list[0].startswith("Sở Y tế")
    assert after.signature == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH") and after.signer_name
    assert (after.parent_body, after.body) == ("ỦY BAN NHÂN DÂN", "XÃ TÂN LỢI")
    assert reporting_chain_on(commune=commune, day=date(2020, 12, 31)) is None


def test_a_deputy_signs_on_behalf_of_the_chairman(commune):
    chain = reporting_chain_on(commune=commune, day=date(2026, 1, 5))
    chain.signer = ReportingChain.Signer.DEPUTY
    assert chain.signature == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


def test_periods_of_one_commune_may_not_overlap_or_end_before_they_start(commune):
    overlapping = ReportingChain(commune=commune, valid_from=date(2025, 1, 1), body="XÃ TÂN LỢI", place="Tân Lợi",
                                 level_above="x", addressees="x", recipients="x", signer_name="x")  # fmt: skip
    with pytest.raises(ValidationError, match="trùng"):
        overlapping.full_clean()
    backwards = ReportingChain(commune=commune, valid_from=date(2019, 1, 1), valid_until=date(2018, 1, 1),
                               body="XÃ TÂN LỢI", place="Tân Lợi", level_above="x", addressees="x", recipients="x",
                               signer_name="x")  # fmt: skip
    with pytest.raises(ValidationError, match="không được trước"):
        backwards.full_clean()


def test_the_admin_edits_the_chain_and_its_history_is_kept(commune, users, client_for):
    chain = reporting_chain_on(commune=commune, day=date(2026, 1, 5))
    page = client_for(users["admin"]).get(f"/quan-tri/tanloi_portal/reportingchain/{chain.pk}/change/")
    assert page.status_code == 200 and "Sở Y tế" in page.content.decode()
    chain.signer_name = "Nguyễn Văn Mới"
    chain.save()
    assert chain.history.count() == 2
    assert client_for(users["officer"]).get("/quan-tri/tanloi_portal/reportingchain/").status_code in (302, 403)


def test_no_text_of_the_portal_names_the_district_level():
    """Templates and every translatable string: the level above is data (the plan's own text, a document of
    its time, keeps its words)."""
    base = Path(settings.BASE_DIR)
    for template in (base / "templates").rglob("*.html"):
        assert not re.search(r"huyện", template.read_text(encoding="utf-8"), re.IGNORECASE), template
    catalog = polib.pofile(str(base / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in catalog if "huyện" in e.msgid.lower() and not e.obsolete] == []
