import io

from signme.lib.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_the_bar_is_redrawn_in_place():
    out = Terminal()
    bar = ProgressBar(stream=out)
    bar.start(10)
    bar(10)
    bar.finish()
    text = out.getvalue()
    assert text.startswith("\r[") and "[" + "#" * 30 + "] 100%" in text
    assert text.endswith("\n") and text.count("\n") == 1


def test_in_a_pipe_each_tenth_is_one_plain_line():
    out = io.StringIO()
    bar = ProgressBar(stream=out)
    bar.start(100)
    for _ in range(100):
        bar(1)
    bar.finish()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert [line.split()[0] for line in lines] == [f"{n}%" for n in range(0, 101, 10)]
