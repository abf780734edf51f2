from pathlib import Path

from typer.testing import CliRunner

from cuakhau.cli.app import app
from cuakhau.core.schema_version import upgrade

runner = CliRunner()


def test_import_lists_every_problem_then_imports_a_good_file(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    env = {"CUAKHAU_DATABASE_URL": url, "CUAKHAU_DATA_DIR": str(tmp_path)}
    bad = tmp_path / "investors.csv"
    bad.write_text("code,name_vi,country,tax_code\nA,Cty A,VN,0101234567\nB,,CN,\n")
    result = runner.invoke(app, ["investment", "import", str(bad)], env=env)
    assert result.exit_code == 2
    assert "investors:2:tax_code" in result.output
    assert "investors:3:name_vi" in result.output

    bad.write_text("code,name_vi,country\nB,Guangxi B,CN\n")
    for _ in range(2):
        result = runner.invoke(app, ["investment", "import", str(bad)], env=env)
        assert result.exit_code == 0, result.output
    assert "│ investors  │       0 │       0 │         1 │" in result.output
