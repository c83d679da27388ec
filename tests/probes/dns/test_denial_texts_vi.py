"""Why a negative DNS answer is not proven, said in Vietnamese; the English is what it always was."""

from __future__ import annotations

import dns.message
import dns.name

from audit.phrases import PhraseText
from probes.dns.denial import prove_denial
from tests.test_vietnamese_errors import english_sentences

ZONE = dns.name.from_text("bao-mau.test.")


def test_no_answer_and_an_unsigned_answer_are_said_in_vietnamese() -> None:
    qname = dns.name.from_text("www.bao-mau.test.")
    silent = prove_denial(None, qname, "CAA", ZONE, {}, nxdomain=False)
    response = dns.message.make_response(dns.message.make_query(qname, "CAA"))
    unsigned = prove_denial(response, qname, "CAA", ZONE, {}, nxdomain=True)
    assert silent == "CAA www.bao-mau.test.: no answer to read a proof from"
    assert unsigned == "CAA www.bao-mau.test.: no signed NSEC or NSEC3 in the answer"
    assert isinstance(silent, PhraseText) and isinstance(unsigned, PhraseText)
    assert silent.render("vi") == "CAA www.bao-mau.test.: không có câu trả lời để đọc bằng chứng phủ định"
    assert unsigned.render("vi") == "CAA www.bao-mau.test.: câu trả lời không có NSEC hay NSEC3 nào được ký"
    assert english_sentences(silent.render("vi") + "\n" + unsigned.render("vi")) == []
