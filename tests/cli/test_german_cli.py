"""The command line in German: its human output and help from the same catalogue as the window (--lang de or the
environment's language); --json stays English and the same in every language."""

from __future__ import annotations

import json

import pytest

from tests.support.profiles_cli import cli_env, run_cli
from tests.support.secrets_registry import fake_secret_access_key

pytestmark = [pytest.mark.keychain, pytest.mark.integration]


@pytest.fixture
def env(tmp_path):
    return cli_env(tmp_path, LANGUAGE="", LC_ALL="", LC_MESSAGES="", LANG="C.UTF-8")


def _add_wrong_secret(env, aws_emulator) -> None:
    p = aws_emulator.practice
    run = run_cli(env, "add", "wrong", "--method", "access-key", "--region", p.region, "--service", "s3",
                  "--endpoint-url", aws_emulator.url, "--access-key-id", p.access_key_id,
                  input=f"{fake_secret_access_key()}\n")
    assert run.returncode == 0, run.stderr


def test_lang_de_speaks_german_and_json_stays_english(env, aws_emulator):
    listed = run_cli(env, "--lang", "de", "list")
    assert listed.returncode == 0 and listed.stdout.startswith("Noch keine Profile."), listed.stdout
    _add_wrong_secret(env, aws_emulator)
    shown = run_cli(env, "--lang", "de", "show", "wrong")
    assert "Methode:" in shown.stdout and "Zugriffsschlüssel" in shown.stdout, shown.stdout
    human = run_cli(env, "--lang", "de", "test", "wrong")
    assert human.returncode == 1
    assert "Diagnose: wrong-secret-key – Der geheime Zugriffsschlüssel passt nicht zur Zugriffsschlüssel-ID" \
        in human.stdout, human.stdout
    assert "Was zu tun ist:" in human.stdout
    english = json.loads(run_cli(env, "test", "wrong", "--json").stdout)
    german = json.loads(run_cli(env, "--lang", "de", "test", "wrong", "--json").stdout)
    failed = [s for s in german["steps"] if s.get("diagnosis")]
    assert failed and failed[0]["diagnosis"]["summary"] == "The secret access key does not match the access key ID"
    assert [s.get("diagnosis") for s in german["steps"]] == [s.get("diagnosis") for s in english["steps"]]


def test_the_environment_chooses_german_and_lang_overrides_it(env):
    german_env = dict(env, LANG="de_DE.UTF-8")
    assert run_cli(german_env, "list").stdout.startswith("Noch keine Profile.")
    assert run_cli(german_env, "--lang", "en", "list").stdout.startswith("No profiles yet.")
    assert "Ein Profil umbenennen." in run_cli(german_env, "--help").stdout + run_cli(german_env, "rename", "-h").stdout


# -- messages made with values: one catalogue text each, the values put in after translating ---------------------------


def test_policy_speaks_german_on_standard_error_and_prints_the_same_json(env):
    alice = "arn:aws:iam::111122223333:user/alice"
    args = ("policy", "--trust", "--principal", alice, "--external-id", "x-1234567890abcdef")
    english, german = run_cli(env, *args), run_cli(env, "--lang", "de", *args)
    assert german.returncode == english.returncode == 0, german.stderr
    assert json.loads(german.stdout) == json.loads(english.stdout)  # the document itself never changes language
    assert "Install as the trust policy of the role" in english.stderr
    assert german.stderr.startswith("Als Vertrauensrichtlinie für die Rolle eintragen (IAM > Rollen"), german.stderr

    added = run_cli(env, "add", "keys", "--method", "access-key", "--region", "us-east-1", "--service", "s3",
                    "--access-key-id", "AKIAIOSFODNN7EXAMPLE", input=f"{fake_secret_access_key()}\n")
    assert added.returncode == 0, added.stderr
    permissions = run_cli(env, "--lang", "de", "policy", "keys", "--permissions")
    assert permissions.returncode == 0, permissions.stderr
    assert "An den IAM-Benutzer des Zugriffsschlüssels anhängen" in permissions.stderr, permissions.stderr
    trust = run_cli(env, "--lang", "de", "policy", "keys", "--trust", "--principal", alice)
    assert trust.returncode == 2 and trust.stdout == ""
    assert "Profil 'keys' übernimmt keine Rolle (access-key)" in trust.stderr, trust.stderr
    assert "Das JSON der IAM-Richtlinie ausgeben" in run_cli(env, "--lang", "de", "policy", "-h").stdout


def test_check_instance_speaks_german_and_its_json_stays_english(env):
    from wizard.practice.imds_emulator import ImdsEmulator

    with ImdsEmulator("imdsv1", role="app-instance-role") as emulator:
        on_instance = dict(env, AWS_EC2_METADATA_SERVICE_ENDPOINT=emulator.url)
        on_instance.pop("AWS_EC2_METADATA_DISABLED")
        human = run_cli(on_instance, "--lang", "de", "check-instance", "--role", "other-role")
        english = run_cli(on_instance, "check-instance", "--role", "other-role", "--json")
        german = run_cli(on_instance, "--lang", "de", "check-instance", "--role", "other-role", "--json")
    assert human.returncode == 1, human.stderr
    assert "Zugewiesene Rolle:" in human.stdout and "app-instance-role" in human.stdout, human.stdout
    assert ("[Fehler] role-mismatch: Sie haben die Rolle „other-role“ eingegeben, aber dieser Instanz ist die Rolle "
            f"„app-instance-role“ im Konto {emulator.account} zugewiesen.") in human.stdout, human.stdout
    assert "[Warnung] imdsv1-enabled: IMDSv1 ist auf dieser Instanz noch aktiviert" in human.stdout
    assert json.loads(german.stdout) == json.loads(english.stdout)
    assert json.loads(german.stdout)["findings"][-1]["summary"].startswith("You entered the role 'other-role'")


def test_a_rejected_value_is_explained_in_german_with_its_number(env):
    added = run_cli(env, "--lang", "de", "add", "short", "--method", "access-key", "--region", "us-east-1",
                    "--service", "s3", "--access-key-id", "AKIA1234", input=f"{fake_secret_access_key()}\n")
    assert added.returncode == 2
    assert ("Zugriffsschlüssel-ID: Dieser Wert hat 8 Zeichen; eine Zugriffsschlüssel-ID hat mindestens 16. "
            "Kopieren Sie den ganzen Wert. [too-short]") in added.stderr, added.stderr


# -- the fixed words around messages, and import's reasons ----------------------------------------------------------------


def test_errors_and_warnings_carry_german_prefixes(env, tmp_path):
    args = ("add", "short", "--method", "access-key", "--region", "us-east-1", "--service", "s3",
            "--access-key-id", "AKIA1234")
    german = run_cli(env, "--lang", "de", *args, input=f"{fake_secret_access_key()}\n")
    english = run_cli(env, *args, input=f"{fake_secret_access_key()}\n")
    assert german.returncode == english.returncode == 2
    assert german.stderr.startswith("Fehler: Zugriffsschlüssel-ID: Dieser Wert hat 8 Zeichen"), german.stderr
    assert english.stderr.startswith("error: access key ID: This has 8 characters"), english.stderr

    added = run_cli(env, "add", "dev", "--method", "access-key", "--region", "us-east-1", "--service", "s3",
                    "--access-key-id", "AKIAIOSFODNN7EXAMPLE", input=f"{fake_secret_access_key()}\n")
    assert added.returncode == 0, added.stderr
    credentials = tmp_path / "aws" / "credentials"
    credentials.parent.mkdir(parents=True, exist_ok=True)
    credentials.write_text("[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", encoding="utf-8")
    exported = run_cli(env, "--lang", "de", "export", "dev")
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr.startswith(f"Warnung: {credentials} enthält ebenfalls ein Profil 'dev' mit Schlüsseln; "
                                      "die AWS-Werkzeuge verwenden diese Schlüssel"), exported.stderr
    assert "warning:" not in exported.stderr


def test_import_says_in_german_why_a_profile_is_skipped_and_its_json_is_the_same_bytes(env, tmp_path):
    config = tmp_path / "shared-config"
    config.write_text(
        "[profile tool]\ncredential_process = other-tool --get\n"
        "[profile empty]\nregion = us-east-1\n"
        "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = empty\n"
        "[sso-session corp]\nsso_region = us-east-1\n", encoding="utf-8")
    credentials = tmp_path / "shared-credentials"
    credentials.write_text("", encoding="utf-8")
    files = ("--config", str(config), "--credentials", str(credentials))

    def fresh(name: str) -> dict:
        return dict(env, AWS_CONNECTION_WIZARD_HOME=str(tmp_path / name))

    english = run_cli(fresh("en"), "import", *files, "--json")
    german = run_cli(fresh("de"), "--lang", "de", "import", *files, "--json")
    assert english.returncode == german.returncode == 0, german.stderr
    assert german.stdout == english.stdout
    reasons = {item["aws_name"]: item["reason"] for item in json.loads(german.stdout)}
    assert reasons["tool"] == "uses credential_process (another program holds its secret)"
    assert reasons["chained"] == "its source profile 'empty' has no access key of its own"

    human = run_cli(fresh("human"), "--lang", "de", "import", *files)
    assert human.returncode == 0, human.stderr
    assert "(verwendet credential_process (ein anderes Programm verwahrt sein Geheimnis))" in human.stdout
    assert "(hat keine Anmeldedaten)" in human.stdout
    assert "(sein Quellprofil 'empty' hat keinen eigenen Zugriffsschlüssel)" in human.stdout
    assert "[sso-session corp]  (kein Profilabschnitt)" in human.stdout, human.stdout


def test_a_keychain_problem_is_explained_in_german(env):
    added = run_cli(env, "add", "k", "--method", "access-key", "--region", "us-east-1", "--service", "s3",
                    "--access-key-id", "AKIAIOSFODNN7EXAMPLE", input=f"{fake_secret_access_key()}\n")
    assert added.returncode == 0, added.stderr
    no_keychain = dict(env, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    german = run_cli(no_keychain, "--lang", "de", "credential-process", "k")
    english = run_cli(no_keychain, "credential-process", "k")
    assert german.returncode == english.returncode == 3, (german.stderr, english.stderr)
    assert "Problem mit dem Schlüsselbund (no-keyring): Kein nutzbarer Schlüsselbund" in german.stderr, german.stderr
    assert "Nichts Geheimes wurde gespeichert." in german.stderr, german.stderr
    assert "keychain problem (no-keyring): No usable keychain" in english.stderr, english.stderr
    assert "Nothing secret was saved." in english.stderr, english.stderr


def test_profile_file_problems_are_explained_in_german(env, tmp_path):
    args = ("add", "dev", "--method", "access-key", "--region", "us-east-1", "--service", "s3",
            "--access-key-id", "AKIAIOSFODNN7EXAMPLE")
    assert run_cli(env, *args, input=f"{fake_secret_access_key()}\n").returncode == 0
    assert run_cli(env, *args[:1], "ops", *args[2:], input=f"{fake_secret_access_key()}\n").returncode == 0
    taken = run_cli(env, "--lang", "de", "rename", "dev", "ops")
    assert taken.returncode == 2, taken.stderr
    assert "Ein Profil namens 'ops' gibt es bereits." in taken.stderr, taken.stderr

    store = tmp_path / "wizard-home" / "profiles.json"
    store.write_bytes(b"\xff\xfe not text")
    german = run_cli(env, "--lang", "de", "list")
    english = run_cli(env, "list")
    assert german.returncode == english.returncode == 3, (german.stderr, english.stderr)
    assert (f"Problem mit der Profildatei: Die Profildatei {store} ist beschädigt: sie ist kein UTF-8-Text. "
            "Nichts wurde geändert.") in german.stderr, german.stderr
    assert (f"profile file problem: The profile file {store} is damaged: it is not UTF-8 text. "
            "Nothing was changed.") in english.stderr, english.stderr


def test_a_passed_tests_step_details_are_german_and_its_json_the_same(env, aws_emulator):
    p = aws_emulator.practice
    added = run_cli(env, "add", "good", "--method", "access-key", "--region", p.region, "--service", "s3",
                    "--endpoint-url", aws_emulator.url, "--access-key-id", p.access_key_id,
                    input=f"{p.secret_access_key}\n")
    assert added.returncode == 0, added.stderr
    german = run_cli(env, "--lang", "de", "test", "good")
    english = run_cli(env, "test", "good")
    assert german.returncode == english.returncode == 0, (german.stdout, german.stderr)
    assert "Angemeldet als arn:aws:" in german.stdout and "Signed in as" not in german.stdout, german.stdout
    assert german.stdout.startswith("AWS Connection Wizard – Verbindungstest\n"), german.stdout
    assert english.stdout.startswith("AWS Connection Wizard — connection test\n"), english.stdout
    assert ": erlaubt" in german.stdout, german.stdout
    assert "Signed in as arn:aws:" in english.stdout and ": allowed" in english.stdout, english.stdout
    as_json = [json.loads(run_cli(env, *lang, "test", "good", "--json").stdout) for lang in ((), ("--lang", "de"))]
    assert [[(s["name"], s["status"]) for s in j["steps"]] for j in as_json] == \
        [[(s["name"], s["status"]) for s in as_json[0]["steps"]]] * 2


def test_argparse_s_own_words_are_german_too(env):
    """The usage line, a missing argument and the help's headings: German words in a German frame, English in English."""
    missing = run_cli(env, "--lang", "de", "rename")
    assert missing.returncode == 2
    assert missing.stderr.startswith("Aufruf: aws-connection-wizard rename"), missing.stderr
    assert "rename: Fehler: diese Argumente fehlen: OLD, NEW" in missing.stderr
    assert "usage" not in missing.stderr and "error" not in missing.stderr and "required" not in missing.stderr
    helped = run_cli(env, "--lang", "de", "list", "--help")
    assert "Optionen:" in helped.stdout and "diese Hilfe zeigen und beenden" in helped.stdout, helped.stdout
    wrong = run_cli(env, "--lang", "de", "add", "x", "--method", "magic")
    assert "ungültige Wahl: 'magic'" in wrong.stderr, wrong.stderr
    english = run_cli(env, "rename")
    assert "usage: aws-connection-wizard rename" in english.stderr
    assert "error: the following arguments are required: OLD, NEW" in english.stderr


def test_a_principal_that_is_no_identity_is_refused_in_german(env):
    german = run_cli(env, "--lang", "de", "policy", "--trust", "--principal", "bogus")
    english = run_cli(env, "policy", "--trust", "--principal", "bogus")
    assert german.returncode == english.returncode == 2
    assert "not an IAM identity ARN or account id: 'bogus'" in english.stderr, english.stderr
    assert "keine ARN einer IAM-Identität und keine Kontonummer: 'bogus'" in german.stderr, german.stderr


def test_list_and_a_refused_removal_speak_german(env):
    key_id = "AKIAIOSFODNN7EXAMPLE"
    added = run_cli(env, "add", "keys", "--method", "assume-role", "--region", "eu-west-1", "--service", "s3",
                    "--access-key-id", key_id, "--role", "Reader", input=f"{fake_secret_access_key()}\n")
    assert added.returncode == 0, added.stderr
    added = run_cli(env, "add", "partner", "--method", "cross-account", "--region", "eu-west-1", "--service", "ec2",
                    "--role-arn", "arn:aws:iam::123456789012:role/Partner", "--external-id", "a" * 32,
                    "--source", "profile:keys")
    assert added.returncode == 0, added.stderr
    listed = run_cli(env, "--lang", "de", "list")
    assert listed.stdout.splitlines()[0].split() == ["NAME", "METHODE", "REGION", "DIENST", "LETZTER", "TEST",
                                                     "TOKEN"], listed.stdout
    assert "ungetestet" in listed.stdout and "untested" not in listed.stdout
    shown = run_cli(env, "--lang", "de", "show", "partner")
    assert "Kontoübergreifende Rolle mit Externer ID" in shown.stdout, shown.stdout
    refused = run_cli(env, "--lang", "de", "remove", "keys")
    assert refused.returncode == 2
    assert "Profil 'keys' ist die Quelle von partner" in refused.stderr and "--force" in refused.stderr, refused.stderr
    english = run_cli(env, "remove", "keys")
    assert "profile 'keys' is the source of partner" in english.stderr, english.stderr
    assert run_cli(env, "list").stdout.splitlines()[0].split()[:3] == ["NAME", "METHOD", "REGION"]
