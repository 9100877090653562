"""Service transcripts keep their line breaks on import, so a log with one line per turn (no speaker tags) is
still split into turns when it is analysed, and its verbatim shows turn by turn (findings F15, F2)."""
from cx.ingest import import_bytes
from cx.ingest.clean import clean_text
from tests.conftest import NOW

LOG = "在店里吃完就肚子疼，汤也是冷的\n您好，很高兴为您服务，非常抱歉给您带来不便\n我要退款\n已为您登记，服务态度方面我们会改进，感谢您的耐心"
CSV = ("编号,门店编号,时间,内容\n"
       f'c1,S001,2026-10-01 12:00,"{LOG}"\n'
       'c2,S001,2026-10-01 13:00,"顾客：米饭是凉的\r\n\r\n  客服小美：抱歉，很高兴为您服务"\n')


def test_service_text_keeps_one_line_break_per_line_and_other_sources_fold_them():
    assert clean_text("顾客：汤洒了\r\n\r\n  客服：抱歉 \t 马上处理", keep_lines=True) == "顾客：汤洒了\n客服：抱歉 马上处理"
    assert clean_text("顾客：汤洒了\r\n\r\n  客服：抱歉", keep_lines=False) == "顾客：汤洒了 客服：抱歉"


def test_an_untagged_one_line_per_turn_log_is_analysed_by_turns_after_import(con):
    import_bytes(con, CSV.encode(), "s.csv", "service", now=NOW)
    stored = [t for (t,) in con.execute("SELECT text FROM feedback ORDER BY created_at").fetchall()]
    assert stored[0] == LOG and stored[1] == "顾客：米饭是凉的\n客服小美：抱歉，很高兴为您服务"
    clauses = [c for (c,) in con.execute(
        "SELECT m.clause FROM mentions m JOIN feedback f USING (feedback_id) WHERE f.created_at < '2026-10-01 12:30'")
        .fetchall()]
    assert clauses                                        # the customer's complaint is read …
    assert all("您" not in c and "服务态度" not in c and "耐心" not in c for c in clauses), clauses   # … not the agent
    kws = con.execute("SELECT keywords FROM feedback ORDER BY created_at").fetchall()[0][0]
    assert not {"服务态度", "耐心", "高兴", "登记"} & set(kws), kws


def test_reimport_of_the_same_transcripts_adds_nothing(con):
    import_bytes(con, CSV.encode(), "s.csv", "service", now=NOW)
    n = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
    import_bytes(con, CSV.encode(), "s.csv", "service", now=NOW)
    assert con.execute("SELECT count(*) FROM feedback").fetchone()[0] == n == 2
