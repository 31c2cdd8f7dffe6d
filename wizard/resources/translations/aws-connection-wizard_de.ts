<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
  <context>
    <name>ConnectionWizard</name>
    <message>
      <source>&amp;Retry</source>
      <translation>Erneut &amp;versuchen</translation>
    </message>
  </context>
  <context>
    <name>RegionPage</name>
    <message>
      <source>Advanced: network settings</source>
      <translation>Erweitert: Netzwerkeinstellungen</translation>
    </message>
    <message>
      <source>Advanced: network…</source>
      <translation>Erweitert: Netzwerk…</translation>
    </message>
    <message>
      <source>Proxy, CA bundle file, endpoint URL and timeouts</source>
      <translation>Proxy, CA-Zertifikatsdatei, Endpunkt-URL und Timeouts</translation>
    </message>
  </context>
  <context>
    <name>SummaryPage</name>
    <message>
      <source>Profile name</source>
      <translation>Profilname</translation>
    </message>
  </context>
  <context>
    <name>argparse</name>
    <message>
      <source>%(prog)s: error: %(message)s
</source>
      <translation>%(prog)s: Fehler: %(message)s
</translation>
    </message>
    <message>
      <source>ambiguous option: %(option)s could match %(matches)s</source>
      <translation>mehrdeutige Option: %(option)s passt zu %(matches)s</translation>
    </message>
    <message>
      <source>argument %(argument_name)s: %(message)s</source>
      <translation>Argument %(argument_name)s: %(message)s</translation>
    </message>
    <message>
      <source>can't open '%(filename)s': %(error)s</source>
      <translation>'%(filename)s' lässt sich nicht öffnen: %(error)s</translation>
    </message>
    <message>
      <source>expected %s argument</source>
      <translation>%s Argument erwartet</translation>
    </message>
    <message>
      <source>expected %s arguments</source>
      <translation>%s Argumente erwartet</translation>
    </message>
    <message>
      <source>expected at least one argument</source>
      <translation>mindestens ein Argument erwartet</translation>
    </message>
    <message>
      <source>expected at most one argument</source>
      <translation>höchstens ein Argument erwartet</translation>
    </message>
    <message>
      <source>expected one argument</source>
      <translation>ein Argument erwartet</translation>
    </message>
    <message>
      <source>ignored explicit argument %r</source>
      <translation>ausdrückliches Argument %r ignoriert</translation>
    </message>
    <message>
      <source>invalid %(type)s value: %(value)r</source>
      <translation>ungültiger %(type)s-Wert: %(value)r</translation>
    </message>
    <message>
      <source>invalid choice: %(value)r (choose from %(choices)s)</source>
      <translation>ungültige Wahl: %(value)r (möglich sind %(choices)s)</translation>
    </message>
    <message>
      <source>not allowed with argument %s</source>
      <translation>nicht erlaubt zusammen mit Argument %s</translation>
    </message>
    <message>
      <source>one of the arguments %s is required</source>
      <translation>eines der Argumente %s ist erforderlich</translation>
    </message>
    <message>
      <source>options</source>
      <translation>Optionen</translation>
    </message>
    <message>
      <source>positional arguments</source>
      <translation>Positionsargumente</translation>
    </message>
    <message>
      <source>show this help message and exit</source>
      <translation>diese Hilfe zeigen und beenden</translation>
    </message>
    <message>
      <source>the following arguments are required: %s</source>
      <translation>diese Argumente fehlen: %s</translation>
    </message>
    <message>
      <source>unknown parser %(parser_name)r (choices: %(choices)s)</source>
      <translation>unbekannter Befehl %(parser_name)r (möglich sind %(choices)s)</translation>
    </message>
    <message>
      <source>unrecognized arguments: %s</source>
      <translation>unbekannte Argumente: %s</translation>
    </message>
    <message>
      <source>usage: </source>
      <translation>Aufruf: </translation>
    </message>
  </context>
  <context>
    <name>aws_files_actions</name>
    <message>
      <source>Could not export the profile</source>
      <translation>Das Profil konnte nicht exportiert werden</translation>
    </message>
    <message>
      <source>Could not import</source>
      <translation>Import nicht möglich</translation>
    </message>
    <message>
      <source>Could not read the AWS shared files</source>
      <translation>Die gemeinsamen AWS-Dateien konnten nicht gelesen werden</translation>
    </message>
    <message>
      <source>Export</source>
      <translation>Exportieren</translation>
    </message>
    <message>
      <source>Exported as the AWS profile “{aws_name}” into {path}. Try it with:
aws sts get-caller-identity --profile {aws_name}</source>
      <translation>Als AWS-Profil „{aws_name}“ nach {path} exportiert. Ausprobieren mit:
aws sts get-caller-identity --profile {aws_name}</translation>
    </message>
    <message>
      <source>Exported {name} to {path}.</source>
      <translation>{name} nach {path} exportiert.</translation>
    </message>
    <message>
      <source>Exporting {name}…</source>
      <translation>{name} wird exportiert …</translation>
    </message>
    <message>
      <source>Import</source>
      <translation>Importieren</translation>
    </message>
    <message>
      <source>Imported {0} profile(s) as untested: {1}.</source>
      <translation>{0} Profil(e) als ungetestet importiert: {1}.</translation>
    </message>
    <message>
      <source>Imported {0} profile(s).</source>
      <translation>{0} Profil(e) importiert.</translation>
    </message>
    <message>
      <source>Importing…</source>
      <translation>Import läuft …</translation>
    </message>
    <message>
      <source>Not imported:
</source>
      <translation>Nicht importiert:
</translation>
    </message>
    <message>
      <source>Previous file saved as {backup}.</source>
      <translation>Vorherige Datei gesichert als {backup}.</translation>
    </message>
    <message>
      <source>Reading the AWS shared files…</source>
      <translation>Die gemeinsamen AWS-Dateien werden gelesen …</translation>
    </message>
    <message>
      <source>Test them with Test (F5).</source>
      <translation>Testen Sie sie mit „Testen“ (F5).</translation>
    </message>
    <message>
      <source>{0} and {1}</source>
      <translation>{0} und {1}</translation>
    </message>
  </context>
  <context>
    <name>aws_files_dialogs</name>
    <message>
      <source>AWS profile name:</source>
      <translation>AWS-Profilname:</translation>
    </message>
    <message>
      <source>AWS profiles to import</source>
      <translation>Zu importierende AWS-Profile</translation>
    </message>
    <message>
      <source>Adds a profile to {config_path} so that the AWS CLI and every AWS SDK can use this connection, while its secret stays in the keychain. Other profiles and comments in the file stay exactly as they are; a backup copy is written first.</source>
      <translation>Fügt {config_path} ein Profil hinzu, damit die AWS CLI und jedes AWS SDK diese Verbindung nutzen können; das Geheimnis bleibt im Schlüsselbund. Andere Profile und Kommentare in der Datei bleiben genau, wie sie sind; vorher wird eine Sicherungskopie geschrieben.</translation>
    </message>
    <message>
      <source>Export</source>
      <translation>Exportieren</translation>
    </message>
    <message>
      <source>Export {profile_name} to the AWS config file</source>
      <translation>{profile_name} in die AWS-Konfigurationsdatei exportieren</translation>
    </message>
    <message>
      <source>Import</source>
      <translation>Importieren</translation>
    </message>
    <message>
      <source>Import from the AWS shared files</source>
      <translation>Aus den gemeinsamen AWS-Dateien importieren</translation>
    </message>
    <message>
      <source>Kind:</source>
      <translation>Art:</translation>
    </message>
    <message>
      <source>No profiles were found.</source>
      <translation>Es wurden keine Profile gefunden.</translation>
    </message>
    <message>
      <source>Only for roles the SDK can assume by itself from a saved profile's keys or the instance role</source>
      <translation>Nur für Rollen, die das SDK selbst mit den Schlüsseln eines gespeicherten Profils oder der Instanzrolle übernehmen kann</translation>
    </message>
    <message>
      <source>Profiles found in {sources}. Imported profiles are saved as untested; their secrets go to the keychain only. The AWS files are not changed.</source>
      <translation>Profile gefunden in {sources}. Importierte Profile werden als ungetestet gespeichert; ihre Geheimnisse kommen nur in den Schlüsselbund. Die AWS-Dateien werden nicht verändert.</translation>
    </message>
    <message>
      <source>Replace a profile of this name that was not written by this program</source>
      <translation>Ein gleichnamiges Profil ersetzen, das nicht von diesem Programm geschrieben wurde</translation>
    </message>
    <message>
      <source>a profile with this name already exists</source>
      <translation>ein Profil mit diesem Namen gibt es bereits</translation>
    </message>
    <message>
      <source>credential_process: this program hands out the credentials (works for every connection)</source>
      <translation>credential_process: dieses Programm gibt die Anmeldedaten heraus (funktioniert für jede Verbindung)</translation>
    </message>
    <message>
      <source>role_arn + source_profile: the AWS SDK assumes the role itself (it caches the role's credentials)</source>
      <translation>role_arn + source_profile: das AWS SDK übernimmt die Rolle selbst (und speichert ihre Anmeldedaten zwischen)</translation>
    </message>
    <message>
      <source>{aws_name}: not imported: {reason}</source>
      <translation>{aws_name}: nicht importiert: {reason}</translation>
    </message>
  </context>
  <context>
    <name>awsconfig</name>
    <message>
      <source>Another aws-connection-wizard is exporting into {path}; try again.</source>
      <translation>Ein anderes aws-connection-wizard exportiert gerade nach {path}; versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>Cannot read {path}: {problem}</source>
      <translation>{path} kann nicht gelesen werden: {problem}</translation>
    </message>
    <message>
      <source>Cannot write {path}: {problem}</source>
      <translation>{path} kann nicht geschrieben werden: {problem}</translation>
    </message>
    <message>
      <source>Profile {name} cannot be exported: its {field} is not valid ({problem}). Fix it in the wizard; nothing was written.</source>
      <translation>Profil {name} kann nicht exportiert werden: der Wert von {field} ist ungültig ({problem}). Korrigieren Sie ihn im Assistenten; nichts wurde geschrieben.</translation>
    </message>
    <message>
      <source>Profile {name} has a value with a line break or a control character; nothing was written.</source>
      <translation>Profil {name} hat einen Wert mit einem Zeilenumbruch oder einem Steuerzeichen; nichts wurde geschrieben.</translation>
    </message>
    <message>
      <source>The SDK cannot assume this role by itself (access-key profile, a role given by name without its account, or the default credential chain as source); export it with --style process.</source>
      <translation>Das SDK kann diese Rolle nicht selbst übernehmen (Zugriffsschlüssel-Profil, eine Rolle nur mit Namen ohne ihr Konto oder die Standard-Anmeldekette als Quelle); exportieren Sie sie mit --style process.</translation>
    </message>
    <message>
      <source>The config file already has a profile {name} that aws-connection-wizard did not write; export under another name (--as NAME) or replace it explicitly (--replace).</source>
      <translation>Die config-Datei hat bereits ein Profil {name}, das nicht von aws-connection-wizard geschrieben wurde; exportieren Sie unter einem anderen Namen (--as NAME) oder ersetzen Sie es ausdrücklich (--replace).</translation>
    </message>
    <message>
      <source>The config file has profile {name} {count} times; fix that first.</source>
      <translation>Die config-Datei hat das Profil {name} {count}-mal; beheben Sie das zuerst.</translation>
    </message>
    <message>
      <source>The profile name {name} is not valid; nothing was written.</source>
      <translation>Der Profilname {name} ist ungültig; nichts wurde geschrieben.</translation>
    </message>
    <message>
      <source>The source profile {source} of {name} does not exist.</source>
      <translation>Das Quellprofil {source} von {name} gibt es nicht.</translation>
    </message>
    <message>
      <source>Unknown export style {style}; use one of {styles}.</source>
      <translation>Unbekannte Exportart {style}; verwenden Sie eine von {styles}.</translation>
    </message>
    <message>
      <source>a profile with this name already exists</source>
      <translation>ein Profil mit diesem Namen gibt es bereits</translation>
    </message>
    <message>
      <source>has no credentials</source>
      <translation>hat keine Anmeldedaten</translation>
    </message>
    <message>
      <source>its name has characters profiles do not allow</source>
      <translation>sein Name enthält Zeichen, die in Profilnamen nicht erlaubt sind</translation>
    </message>
    <message>
      <source>its source profile {source!r} has a value on several lines</source>
      <translation>sein Quellprofil {source!r} hat einen Wert über mehrere Zeilen</translation>
    </message>
    <message>
      <source>its source profile {source!r} has no access key of its own</source>
      <translation>sein Quellprofil {source!r} hat keinen eigenen Zugriffsschlüssel</translation>
    </message>
    <message>
      <source>its source profile {source!r} was not imported</source>
      <translation>sein Quellprofil {source!r} wurde nicht importiert</translation>
    </message>
    <message>
      <source>its {field} is not valid: {problem}</source>
      <translation>Wert für „{field}“ ungültig: {problem}</translation>
    </message>
    <message>
      <source>its {key} continues on an indented line (one value per line)</source>
      <translation>sein Wert {key} setzt sich in einer eingerückten Zeile fort (ein Wert pro Zeile)</translation>
    </message>
    <message>
      <source>not a profile section</source>
      <translation>kein Profilabschnitt</translation>
    </message>
    <message>
      <source>role with credential_source {source!r} is not supported</source>
      <translation>Rolle mit credential_source {source!r} wird nicht unterstützt</translation>
    </message>
    <message>
      <source>uses IAM Identity Center or web identity, which this wizard does not manage</source>
      <translation>verwendet IAM Identity Center oder Web Identity, die dieser Assistent nicht verwaltet</translation>
    </message>
    <message>
      <source>uses credential_process (another program holds its secret)</source>
      <translation>verwendet credential_process (ein anderes Programm verwahrt sein Geheimnis)</translation>
    </message>
    <message>
      <source>written by aws-connection-wizard</source>
      <translation>von aws-connection-wizard geschrieben</translation>
    </message>
    <message>
      <source>{credentials} also has a profile {name!r} with keys; the AWS tools use those keys instead of this export. Remove that section (or export under another name with --as).</source>
      <translation>{credentials} enthält ebenfalls ein Profil {name!r} mit Schlüsseln; die AWS-Werkzeuge verwenden diese Schlüssel statt dieses Exports. Entfernen Sie diesen Abschnitt (oder exportieren Sie mit --as unter einem anderen Namen).</translation>
    </message>
    <message>
      <source>{name} is a practice profile (local emulator, practice keys); practice profiles are never exported to the AWS config file.</source>
      <translation>{name} ist ein Übungsprofil (lokaler Emulator, Übungsschlüssel); Übungsprofile werden nie in die AWS-config-Datei exportiert.</translation>
    </message>
    <message>
      <source>{name} is not a usable AWS profile name.</source>
      <translation>{name} ist kein verwendbarer AWS-Profilname.</translation>
    </message>
    <message>
      <source>{path} changed while exporting; nothing was written. Try again.</source>
      <translation>{path} hat sich während des Exports geändert; nichts wurde geschrieben. Versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>{path} is not UTF-8 text; it was left untouched.</source>
      <translation>{path} ist kein UTF-8-Text; die Datei wurde nicht verändert.</translation>
    </message>
  </context>
  <context>
    <name>common</name>
    <message>
      <source>error: {message}</source>
      <translation>Fehler: {message}</translation>
    </message>
    <message>
      <source>keychain problem ({code}): {message}</source>
      <translation>Problem mit dem Schlüsselbund ({code}): {message}</translation>
    </message>
    <message>
      <source>profile file problem: {problem}</source>
      <translation>Problem mit der Profildatei: {problem}</translation>
    </message>
    <message>
      <source>warning: {message}</source>
      <translation>Warnung: {message}</translation>
    </message>
  </context>
  <context>
    <name>connection_actions</name>
    <message>
      <source>Could not read the profile's secrets</source>
      <translation>Die Geheimnisse des Profils konnten nicht gelesen werden</translation>
    </message>
    <message>
      <source>Could not record the test result</source>
      <translation>Das Testergebnis konnte nicht gespeichert werden</translation>
    </message>
    <message>
      <source>Could not save the connection. {text}</source>
      <translation>Die Verbindung konnte nicht gespeichert werden. {text}</translation>
    </message>
    <message>
      <source>Could not save {name}: the wizard keeps what you typed.</source>
      <translation>{name} konnte nicht gespeichert werden: Der Assistent behält Ihre Eingaben.</translation>
    </message>
    <message>
      <source>Edit connection — {name}</source>
      <translation>Verbindung bearbeiten – {name}</translation>
    </message>
    <message>
      <source>Reading the secrets…</source>
      <translation>Die Geheimnisse werden gelesen …</translation>
    </message>
    <message>
      <source>Reading {name} from the keychain…</source>
      <translation>{name} wird aus dem Schlüsselbund gelesen …</translation>
    </message>
    <message>
      <source>Recording the result…</source>
      <translation>Das Ergebnis wird gespeichert …</translation>
    </message>
    <message>
      <source>Saved {name}.</source>
      <translation>{name} gespeichert.</translation>
    </message>
    <message>
      <source>Saving {name}…</source>
      <translation>{name} wird gespeichert …</translation>
    </message>
    <message>
      <source>Testing {name}…</source>
      <translation>{name} wird getestet …</translation>
    </message>
    <message>
      <source>{name}: ✓ the connection works (tested just now).</source>
      <translation>{name}: ✓ die Verbindung funktioniert (soeben getestet).</translation>
    </message>
    <message>
      <source>{name}: ✗ the test failed.</source>
      <translation>{name}: ✗ der Test ist fehlgeschlagen.</translation>
    </message>
    <message>
      <source>{text} You can still fill in and test this connection; saving it needs the keychain.</source>
      <translation>{text} Sie können diese Verbindung trotzdem ausfüllen und testen; zum Speichern wird der Schlüsselbund gebraucht.</translation>
    </message>
  </context>
  <context>
    <name>credentials</name>
    <message>
      <source>a six-digit code from the MFA device {serial} is needed (on the command line: --mfa-code CODE, or run it on a terminal to be asked)</source>
      <translation>ein sechsstelliger Code vom MFA-Gerät {serial} wird gebraucht (auf der Kommandozeile: --mfa-code CODE, oder im Terminal ausführen, um danach gefragt zu werden)</translation>
    </message>
    <message>
      <source>no instance role credentials here (not on EC2, or no role attached; see: aws-connection-wizard check-instance)</source>
      <translation>hier gibt es keine Zugangsdaten einer Instanzrolle (nicht auf EC2 oder keine Rolle zugewiesen; siehe: aws-connection-wizard check-instance)</translation>
    </message>
    <message>
      <source>no profile named {name} (see: aws-connection-wizard list)</source>
      <translation>kein Profil namens {name} (siehe: aws-connection-wizard list)</translation>
    </message>
    <message>
      <source>profile {name} has no access key of its own</source>
      <translation>Profil {name} hat keinen eigenen Zugriffsschlüssel</translation>
    </message>
    <message>
      <source>the access key ID and secret access key are required</source>
      <translation>die Zugriffsschlüssel-ID und der geheime Zugriffsschlüssel werden gebraucht</translation>
    </message>
    <message>
      <source>the keychain has no secret access key for profile {name}; enter it again in the wizard</source>
      <translation>der Schlüsselbund hat keinen geheimen Zugriffsschlüssel für Profil {name}; geben Sie ihn im Assistenten erneut ein</translation>
    </message>
    <message>
      <source>the source profiles go round in a circle ({chain})</source>
      <translation>die Quellprofile verweisen im Kreis aufeinander ({chain})</translation>
    </message>
  </context>
  <context>
    <name>credentials_page</name>
    <message>
      <source>A new random External ID. Put this exact value in the role's trust policy.</source>
      <translation>Eine neue zufällige Externe ID. Tragen Sie genau diesen Wert in die Vertrauensrichtlinie der Rolle ein.</translation>
    </message>
    <message>
      <source>Advanced: session name and duration</source>
      <translation>Erweitert: Sitzungsname und -dauer</translation>
    </message>
    <message>
      <source>Check this machine</source>
      <translation>Diesen Rechner prüfen</translation>
    </message>
    <message>
      <source>Credentials</source>
      <translation>Anmeldedaten</translation>
    </message>
    <message>
      <source>Fill in a new random External ID (at least 128 bits from a secure source)</source>
      <translation>Eine neue zufällige Externe ID eintragen (mindestens 128 Bit aus einer sicheren Quelle)</translation>
    </message>
    <message>
      <source>Generate</source>
      <translation>Erzeugen</translation>
    </message>
  </context>
  <context>
    <name>describe</name>
    <message>
      <source> (practice)</source>
      <translation> (Übung)</translation>
    </message>
    <message>
      <source> (user {user}; its password in the keychain)</source>
      <translation> (Benutzer {user}; sein Passwort im Schlüsselbund)</translation>
    </message>
    <message>
      <source>AWS account ID</source>
      <translation>AWS-Konto-ID</translation>
    </message>
    <message>
      <source>Access key ID</source>
      <translation>Zugriffsschlüssel-ID</translation>
    </message>
    <message>
      <source>Assume the role as</source>
      <translation>Rolle übernehmen als</translation>
    </message>
    <message>
      <source>CA bundle</source>
      <translation>CA-Zertifikatsdatei</translation>
    </message>
    <message>
      <source>Endpoint URL</source>
      <translation>Endpunkt-URL</translation>
    </message>
    <message>
      <source>External ID</source>
      <translation>Externe ID</translation>
    </message>
    <message>
      <source>IAM role</source>
      <translation>IAM-Rolle</translation>
    </message>
    <message>
      <source>IAM role ARN</source>
      <translation>ARN der IAM-Rolle</translation>
    </message>
    <message>
      <source>Invoke the model</source>
      <translation>Modell aufrufen</translation>
    </message>
    <message>
      <source>MFA device</source>
      <translation>MFA-Gerät</translation>
    </message>
    <message>
      <source>Method</source>
      <translation>Methode</translation>
    </message>
    <message>
      <source>Model ID</source>
      <translation>Modell-ID</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>Proxy</source>
      <translation>Proxy</translation>
    </message>
    <message>
      <source>Region</source>
      <translation>Region</translation>
    </message>
    <message>
      <source>Role (permission set)</source>
      <translation>Rolle (Berechtigungssatz)</translation>
    </message>
    <message>
      <source>S3 bucket</source>
      <translation>S3-Bucket</translation>
    </message>
    <message>
      <source>SSO region</source>
      <translation>SSO-Region</translation>
    </message>
    <message>
      <source>Secret access key</source>
      <translation>Geheimer Zugriffsschlüssel</translation>
    </message>
    <message>
      <source>Service</source>
      <translation>Dienst</translation>
    </message>
    <message>
      <source>Session</source>
      <translation>Sitzung</translation>
    </message>
    <message>
      <source>Session token</source>
      <translation>Sitzungstoken</translation>
    </message>
    <message>
      <source>Start URL</source>
      <translation>Start-URL</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Stored</source>
      <translation>Gespeichert</translation>
    </message>
    <message>
      <source>The IAM role of this EC2 instance (instance metadata)</source>
      <translation>Die IAM-Rolle dieser EC2-Instanz (Instanz-Metadaten)</translation>
    </message>
    <message>
      <source>The saved connection {name}</source>
      <translation>Die gespeicherte Verbindung {name}</translation>
    </message>
    <message>
      <source>This computer's default AWS credentials (environment, ~/.aws, SSO)</source>
      <translation>Die Standard-AWS-Anmeldedaten dieses Computers (Umgebung, ~/.aws, SSO)</translation>
    </message>
    <message>
      <source>Timeouts: connect {connect} s, read {read} s, one attempt</source>
      <translation>Zeitlimits: Verbinden {connect} s, Lesen {read} s, ein Versuch</translation>
    </message>
    <message>
      <source>Untested</source>
      <translation>Ungetestet</translation>
    </message>
    <message>
      <source>in {keychain}</source>
      <translation>in {keychain}</translation>
    </message>
    <message>
      <source>in {keychain}, entered {entered}: {left}</source>
      <translation>in {keychain}, eingegeben {entered}: {left}</translation>
    </message>
    <message>
      <source>just now</source>
      <translation>gerade eben</translation>
    </message>
    <message>
      <source>no: the test checks credentials and endpoint reach only</source>
      <translation>nein: der Test prüft nur Anmeldedaten und Erreichbarkeit des Endpunkts</translation>
    </message>
    <message>
      <source>none</source>
      <translation>keine</translation>
    </message>
    <message>
      <source>not set</source>
      <translation>nicht gesetzt</translation>
    </message>
    <message>
      <source>set</source>
      <translation>gesetzt</translation>
    </message>
    <message>
      <source>yes, during the test (may cost a fraction of a cent)</source>
      <translation>ja, während des Tests (kann Bruchteile eines Cents kosten)</translation>
    </message>
    <message>
      <source>{duration} ago</source>
      <translation>vor {duration}</translation>
    </message>
    <message>
      <source>{name}, {seconds} seconds ({hours} h)</source>
      <translation>{name}, {seconds} Sekunden ({hours} h)</translation>
    </message>
    <message>
      <source>•••• ({n} characters, will be stored in the keychain)</source>
      <translation>•••• ({n} Zeichen, wird im Schlüsselbund gespeichert)</translation>
    </message>
    <message>
      <source>✓ OK · {ago}</source>
      <translation>✓ OK · {ago}</translation>
    </message>
    <message>
      <source>✗ Failed: {code} · {ago}</source>
      <translation>✗ Fehlgeschlagen: {code} · {ago}</translation>
    </message>
  </context>
  <context>
    <name>diagnoses</name>
    <message>
      <source>A company proxy or firewall inspects HTTPS with its own certificate authority, which this computer's trust store does not contain.</source>
      <translation>Ein Firmen-Proxy oder eine Firewall prüft HTTPS mit einer eigenen Zertifizierungsstelle, die der Zertifikatsspeicher dieses Computers nicht enthält.</translation>
    </message>
    <message>
      <source>A field is empty, has the wrong format, or names something that does not exist.</source>
      <translation>Ein Feld ist leer, hat das falsche Format oder nennt etwas, das es nicht gibt.</translation>
    </message>
    <message>
      <source>A firewall silently drops the traffic.</source>
      <translation>Eine Firewall verwirft den Verkehr stillschweigend.</translation>
    </message>
    <message>
      <source>A permissions boundary, service control policy or resource policy (e.g. a bucket policy) denies it.</source>
      <translation>Eine Berechtigungsgrenze, eine Service-Control-Policy oder eine Ressourcenrichtlinie (z. B. eine Bucket-Richtlinie) verbietet es.</translation>
    </message>
    <message>
      <source>A proxy is required on this network but not set, or the network is very slow.</source>
      <translation>In diesem Netz ist ein Proxy nötig, aber nicht eingestellt, oder das Netz ist sehr langsam.</translation>
    </message>
    <message>
      <source>A session token was given for a long-term AKIA… key</source>
      <translation>Zu einem langfristigen AKIA…-Schlüssel wurde ein Sitzungstoken angegeben</translation>
    </message>
    <message>
      <source>A temporary problem on AWS's side, or a service outage in this region.</source>
      <translation>Ein vorübergehendes Problem bei AWS oder ein Dienstausfall in dieser Region.</translation>
    </message>
    <message>
      <source>A value entered for this connection was refused</source>
      <translation>Ein für diese Verbindung eingegebener Wert wurde abgelehnt</translation>
    </message>
    <message>
      <source>AWS accepts requests only when the computer's clock is within 5 minutes of AWS's time.</source>
      <translation>AWS nimmt Anfragen nur an, wenn die Uhr des Computers höchstens 5 Minuten von der AWS-Zeit abweicht.</translation>
    </message>
    <message>
      <source>AWS could not find this MFA device for the user signing in</source>
      <translation>AWS hat dieses MFA-Gerät für den anmeldenden Benutzer nicht gefunden</translation>
    </message>
    <message>
      <source>AWS does not know this access key ID</source>
      <translation>AWS kennt diese Zugriffsschlüssel-ID nicht</translation>
    </message>
    <message>
      <source>AWS is throttling requests from this account</source>
      <translation>AWS drosselt Anfragen von diesem Konto</translation>
    </message>
    <message>
      <source>AWS only counts MFA when the call carries the device and a current code (GetSessionToken or AssumeRole with SerialNumber and TokenCode).</source>
      <translation>AWS wertet MFA nur, wenn der Aufruf das Gerät und einen aktuellen Code mitbringt (GetSessionToken oder AssumeRole mit SerialNumber und TokenCode).</translation>
    </message>
    <message>
      <source>AWS refused the MFA code</source>
      <translation>AWS hat den MFA-Code abgelehnt</translation>
    </message>
    <message>
      <source>AWS refused to let this identity assume the role</source>
      <translation>AWS erlaubt dieser Identität nicht, die Rolle zu übernehmen</translation>
    </message>
    <message>
      <source>AWS refused, and this profile has no MFA device: the policy probably requires MFA</source>
      <translation>AWS hat abgelehnt, und dieses Profil hat kein MFA-Gerät: Die Richtlinie verlangt wahrscheinlich MFA</translation>
    </message>
    <message>
      <source>Access keys starting with ASIA are temporary and only work together with their session token.</source>
      <translation>Zugriffsschlüssel, die mit ASIA beginnen, sind temporär und funktionieren nur zusammen mit ihrem Sitzungstoken.</translation>
    </message>
    <message>
      <source>Access to the model has not been enabled in the Bedrock console for this account and region.</source>
      <translation>Der Zugriff auf das Modell wurde in der Bedrock-Konsole für dieses Konto und diese Region nicht freigeschaltet.</translation>
    </message>
    <message>
      <source>Add your MFA device to this profile: in the IAM console open your user → Security credentials → Multi-factor authentication (MFA), copy the device's identifier (arn:aws:iam::ACCOUNT:mfa/NAME), paste it in the profile's MFA device field, and test again with the six-digit code your authenticator shows. If you have no device yet, assign a virtual authenticator app there first (FIDO security keys can't be used for STS calls).</source>
      <translation>Fügen Sie diesem Profil Ihr MFA-Gerät hinzu: Öffnen Sie in der IAM-Konsole Ihren Benutzer → Sicherheitsanmeldeinformationen → Multi-Faktor-Authentifizierung (MFA), kopieren Sie die Kennung des Geräts (arn:aws:iam::ACCOUNT:mfa/NAME), fügen Sie sie in das Feld „MFA-Gerät“ des Profils ein und testen Sie erneut mit dem sechsstelligen Code Ihres Authenticators. Haben Sie noch kein Gerät, weisen Sie dort zuerst eine virtuelle Authenticator-App zu (FIDO-Sicherheitsschlüssel sind für STS-Aufrufe nicht nutzbar).</translation>
    </message>
    <message>
      <source>An error the wizard does not recognise; the AWS error below says more.</source>
      <translation>Ein Fehler, den der Assistent nicht kennt; der AWS-Fehler unten sagt mehr.</translation>
    </message>
    <message>
      <source>An unexpected error occurred</source>
      <translation>Ein unerwarteter Fehler ist aufgetreten</translation>
    </message>
    <message>
      <source>Ask the network team for the company CA certificate (PEM) and set it as the CA bundle in the network settings, then log in again. The login itself is not the problem.</source>
      <translation>Bitten Sie das Netzwerkteam um das CA-Zertifikat der Firma (PEM), tragen Sie es in den Netzwerkeinstellungen als CA-Zertifikatsdatei ein und melden Sie sich erneut an. Die Anmeldung selbst ist nicht das Problem.</translation>
    </message>
    <message>
      <source>Ask the network team for the company CA certificate (PEM), set it as the CA bundle and test again: Edit the connection → Region page → Advanced: network → CA bundle file (command line: --ca-bundle).</source>
      <translation>Bitten Sie das Netzwerkteam um das CA-Zertifikat der Firma (PEM), tragen Sie es als CA-Zertifikatsdatei ein und testen Sie erneut: Verbindung bearbeiten → Seite „Region“ → Erweitert: Netzwerk → CA-Zertifikatsdatei (Befehlszeile: --ca-bundle).</translation>
    </message>
    <message>
      <source>Ask the role's owner to check its trust policy (the test's "Show the policies" button, or `aws-connection-wizard policy NAME --trust`, gives the exact trust policy to install), check that the caller's policy allows sts:AssumeRole on the role ARN, and check that the External ID is exactly the one in the trust policy.</source>
      <translation>Bitten Sie den Besitzer der Rolle, ihre Vertrauensrichtlinie zu prüfen (die Schaltfläche „Richtlinien anzeigen“ des Tests oder `aws-connection-wizard policy NAME --trust` liefert die genaue Vertrauensrichtlinie), prüfen Sie, ob die Richtlinie des Aufrufers sts:AssumeRole auf den Rollen-ARN erlaubt, und ob die Externe ID genau der in der Vertrauensrichtlinie entspricht.</translation>
    </message>
    <message>
      <source>Attach a policy allowing the refused action to the user or role (the test's "Show the policies" button gives one), or use a narrower probe (e.g. a named bucket) that matches the permissions you were given.</source>
      <translation>Hängen Sie dem Benutzer oder der Rolle eine Richtlinie an, die die abgelehnte Aktion erlaubt (die Schaltfläche „Richtlinien anzeigen“ des Tests liefert eine), oder nutzen Sie einen engeren Test (z. B. einen benannten Bucket), der zu Ihren Berechtigungen passt.</translation>
    </message>
    <message>
      <source>Change the instance as described, then test again; `aws-connection-wizard check-instance` shows every finding.</source>
      <translation>Ändern Sie die Instanz wie beschrieben und testen Sie erneut; `aws-connection-wizard check-instance` zeigt jeden Befund.</translation>
    </message>
    <message>
      <source>Check DNS settings and the endpoint URL: Edit the connection → Region page → Advanced: network → Endpoint URL (command line: --endpoint-url). On networks that require a proxy, set the HTTPS proxy: Edit the connection → Region page → Advanced: network → Proxy URL (command line: --proxy).</source>
      <translation>Prüfen Sie die DNS-Einstellungen und die Endpunkt-URL: Verbindung bearbeiten → Seite „Region“ → Erweitert: Netzwerk → Endpunkt-URL (Befehlszeile: --endpoint-url). In Netzwerken, die einen Proxy verlangen, tragen Sie den HTTPS-Proxy ein: Verbindung bearbeiten → Seite „Region“ → Erweitert: Netzwerk → Proxy-URL (Befehlszeile: --proxy).</translation>
    </message>
    <message>
      <source>Check firewall and proxy settings: Edit the connection → Region page → Advanced: network → Proxy URL (command line: --proxy). Raise the timeouts only for slow links: Edit the connection → Region page → Advanced: network → Connect timeout and Read timeout (command line: --connect-timeout --read-timeout).</source>
      <translation>Prüfen Sie Firewall- und Proxy-Einstellungen: Verbindung bearbeiten → Seite „Region“ → Erweitert: Netzwerk → Proxy-URL (Befehlszeile: --proxy). Erhöhen Sie die Timeouts nur bei langsamen Leitungen: Verbindung bearbeiten → Seite „Region“ → Erweitert: Netzwerk → Verbindungs-Timeout und Lese-Timeout (Befehlszeile: --connect-timeout --read-timeout).</translation>
    </message>
    <message>
      <source>Check the network connection and firewall rules for HTTPS (port 443), and the endpoint URL override if one is set: Edit the connection → Region page → Advanced: network → Endpoint URL (command line: --endpoint-url). If an HTTPS proxy is required here, set it: Edit the connection → Region page → Advanced: network → Proxy URL (command line: --proxy).</source>
      <translation>Prüfen Sie die Netzwerkverbindung und die Firewall-Regeln für HTTPS (Port 443) sowie eine gesetzte Endpunkt-URL: Verbindung bearbeiten → Seite „Region“ → Erweitert: Netzwerk → Endpunkt-URL (Befehlszeile: --endpoint-url). Wenn hier ein HTTPS-Proxy nötig ist, tragen Sie ihn ein: Verbindung bearbeiten → Seite „Region“ → Erweitert: Netzwerk → Proxy-URL (Befehlszeile: --proxy).</translation>
    </message>
    <message>
      <source>Check the proxy URL (e.g. http://proxy.example.com:3128) and, if the proxy asks for one, its user name and password with the network team: Edit the connection → Region page → Advanced: network → Proxy URL and Proxy user name (command line: --proxy --proxy-user).</source>
      <translation>Klären Sie die Proxy-URL (z. B. http://proxy.example.com:3128) und, falls der Proxy danach fragt, Benutzername und Passwort mit dem Netzwerkteam: Verbindung bearbeiten → Seite „Region“ → Erweitert: Netzwerk → Proxy-URL und Proxy-Benutzername (Befehlszeile: --proxy --proxy-user).</translation>
    </message>
    <message>
      <source>Clear the session token field, or enter the temporary ASIA… access key that goes with the token.</source>
      <translation>Leeren Sie das Feld „Sitzungstoken“ oder geben Sie den temporären ASIA…-Zugriffsschlüssel ein, der zum Token gehört.</translation>
    </message>
    <message>
      <source>Copy the access key ID again from the IAM console (Users → Security credentials) or create a new access key; make sure the region belongs to the key's partition.</source>
      <translation>Kopieren Sie die Zugriffsschlüssel-ID erneut aus der IAM-Konsole (Benutzer → Sicherheitsanmeldeinformationen) oder erstellen Sie einen neuen Zugriffsschlüssel; achten Sie darauf, dass die Region zur Partition des Schlüssels gehört.</translation>
    </message>
    <message>
      <source>Copy the identifier of the MFA device assigned to this user from the IAM console (your user → Security credentials → Multi-factor authentication) into the profile's MFA device field, and test again with a new code.</source>
      <translation>Kopieren Sie die Kennung des MFA-Geräts dieses Benutzers aus der IAM-Konsole (Ihr Benutzer → Sicherheitsanmeldeinformationen → Multi-Faktor-Authentifizierung) in das Feld „MFA-Gerät“ des Profils und testen Sie erneut mit einem neuen Code.</translation>
    </message>
    <message>
      <source>Copy the start URL (the "AWS access portal URL") and the region from the IAM Identity Center settings, or ask the administrator for them.</source>
      <translation>Kopieren Sie die Start-URL („URL des AWS-Zugriffsportals“) und die Region aus den Einstellungen von IAM Identity Center oder fragen Sie den Administrator danach.</translation>
    </message>
    <message>
      <source>Correct the system clock (enable automatic time synchronisation, e.g. `timedatectl set-ntp true` or the Windows/macOS date settings) and test again. The keys are probably fine.</source>
      <translation>Stellen Sie die Systemuhr richtig (automatische Zeitsynchronisation einschalten, z. B. `timedatectl set-ntp true` oder die Datumseinstellungen von Windows/macOS) und testen Sie erneut. Die Schlüssel sind wahrscheinlich in Ordnung.</translation>
    </message>
    <message>
      <source>Could not connect through the HTTPS proxy</source>
      <translation>Keine Verbindung über den HTTPS-Proxy möglich</translation>
    </message>
    <message>
      <source>Could not connect to the AWS endpoint</source>
      <translation>Keine Verbindung zum AWS-Endpunkt möglich</translation>
    </message>
    <message>
      <source>Enable model access in the Amazon Bedrock console (Model access) for this region, or check the model id.</source>
      <translation>Schalten Sie den Modellzugriff in der Amazon-Bedrock-Konsole (Modellzugriff) für diese Region frei oder prüfen Sie die Modell-ID.</translation>
    </message>
    <message>
      <source>Enable the region in the AWS console (Account → AWS Regions) or choose another region.</source>
      <translation>Aktivieren Sie die Region in der AWS-Konsole (Konto → AWS-Regionen) oder wählen Sie eine andere Region.</translation>
    </message>
    <message>
      <source>Get new temporary credentials (access key ID, secret access key and session token together) from the issuer (AWS SSO portal, `aws sts get-session-token`, your identity provider) and enter all three again.</source>
      <translation>Holen Sie neue temporäre Anmeldedaten (Zugriffsschlüssel-ID, geheimen Zugriffsschlüssel und Sitzungstoken zusammen) beim Aussteller (AWS-SSO-Portal, `aws sts get-session-token`, Ihr Identitätsanbieter) und geben Sie alle drei erneut ein.</translation>
    </message>
    <message>
      <source>Go back, correct the field named in the AWS error, and test again.</source>
      <translation>Gehen Sie zurück, korrigieren Sie das im AWS-Fehler genannte Feld und testen Sie erneut.</translation>
    </message>
    <message>
      <source>IAM Identity Center does not give this user that role in that account</source>
      <translation>IAM Identity Center gibt diesem Benutzer diese Rolle in diesem Konto nicht</translation>
    </message>
    <message>
      <source>IAM Identity Center does not know this start URL in this region</source>
      <translation>IAM Identity Center kennt diese Start-URL in dieser Region nicht</translation>
    </message>
    <message>
      <source>Log in again (Login in the wizard, or `login NAME` on the command line); then test again.</source>
      <translation>Melden Sie sich erneut an („Anmelden“ im Assistenten oder `login NAME` auf der Kommandozeile) und testen Sie dann erneut.</translation>
    </message>
    <message>
      <source>Log in to IAM Identity Center again</source>
      <translation>Erneut bei IAM Identity Center anmelden</translation>
    </message>
    <message>
      <source>Long-term access keys (AKIA…) are used without a session token; a token belongs to temporary ASIA… keys.</source>
      <translation>Langfristige Zugriffsschlüssel (AKIA…) werden ohne Sitzungstoken verwendet; ein Token gehört zu temporären ASIA…-Schlüsseln.</translation>
    </message>
    <message>
      <source>Many organisations deny IAM users everything until they sign in with MFA (a Deny on aws:MultiFactorAuthPresent in the user's or group's policy), and protect roles with aws:MultiFactorAuthPresent in their trust policy.</source>
      <translation>Viele Organisationen verbieten IAM-Benutzern alles, bis sie sich mit MFA anmelden (ein Deny auf aws:MultiFactorAuthPresent in der Richtlinie des Benutzers oder der Gruppe), und schützen Rollen mit aws:MultiFactorAuthPresent in ihrer Vertrauensrichtlinie.</translation>
    </message>
    <message>
      <source>No Secret Service (e.g. GNOME Keyring, KWallet) is running in this session.</source>
      <translation>In dieser Sitzung läuft kein Secret Service (z. B. GNOME Keyring, KWallet).</translation>
    </message>
    <message>
      <source>No credentials were found for the source identity: {reason}</source>
      <translation>Für die Quellidentität wurden keine Anmeldedaten gefunden: {reason}</translation>
    </message>
    <message>
      <source>No system keychain is available to store the secrets</source>
      <translation>Kein Schlüsselbund des Systems verfügbar, um die Geheimnisse zu speichern</translation>
    </message>
    <message>
      <source>Only a proxy may resolve outside names on this network.</source>
      <translation>In diesem Netz darf nur ein Proxy externe Namen auflösen.</translation>
    </message>
    <message>
      <source>Paste the secret access key shown when this access key was created. If it was lost, create a new access key in IAM and deactivate the old one.</source>
      <translation>Fügen Sie den geheimen Zugriffsschlüssel ein, der beim Anlegen dieses Zugriffsschlüssels angezeigt wurde. Ist er verloren, erstellen Sie in IAM einen neuen Zugriffsschlüssel und deaktivieren Sie den alten.</translation>
    </message>
    <message>
      <source>Paste the session token issued with these keys, or use a long-term AKIA… access key instead.</source>
      <translation>Fügen Sie das mit diesen Schlüsseln ausgestellte Sitzungstoken ein oder verwenden Sie stattdessen einen langfristigen AKIA…-Zugriffsschlüssel.</translation>
    </message>
    <message>
      <source>Pick an account and role from the lists the login shows, or ask the IAM Identity Center administrator to assign the permission set to you in that account.</source>
      <translation>Wählen Sie ein Konto und eine Rolle aus den Listen der Anmeldung oder bitten Sie den Administrator von IAM Identity Center, Ihnen den Berechtigungssatz in diesem Konto zuzuweisen.</translation>
    </message>
    <message>
      <source>Read the error below; copy the report (secrets are removed) when asking for help.</source>
      <translation>Lesen Sie den Fehler unten; kopieren Sie den Bericht (ohne Geheimnisse), wenn Sie um Hilfe bitten.</translation>
    </message>
    <message>
      <source>Regions launched after March 2019 must be enabled (opted in) per account before use.</source>
      <translation>Regionen, die nach März 2019 eröffnet wurden, müssen vor der Nutzung pro Konto aktiviert werden (Opt-in).</translation>
    </message>
    <message>
      <source>Signed in, but not allowed to perform {action}</source>
      <translation>Angemeldet, aber nicht berechtigt, {action} auszuführen</translation>
    </message>
    <message>
      <source>Signed in, but not allowed to use the service</source>
      <translation>Angemeldet, aber nicht berechtigt, den Dienst zu nutzen</translation>
    </message>
    <message>
      <source>Start or install the desktop keychain, then try again.</source>
      <translation>Starten oder installieren Sie den Schlüsselbund des Desktops und versuchen Sie es erneut.</translation>
    </message>
    <message>
      <source>Start the login again and approve it in the browser within a few minutes (with a device code: open the verification URL and enter the code shown).</source>
      <translation>Starten Sie die Anmeldung erneut und bestätigen Sie sie innerhalb weniger Minuten im Browser (mit Gerätecode: Öffnen Sie die Bestätigungs-URL und geben Sie den angezeigten Code ein).</translation>
    </message>
    <message>
      <source>Temporary ASIA… keys need their session token</source>
      <translation>Temporäre ASIA…-Schlüssel brauchen ihr Sitzungstoken</translation>
    </message>
    <message>
      <source>Temporary credentials (ASIA… keys) last from 15 minutes to 12 hours.</source>
      <translation>Temporäre Anmeldedaten (ASIA…-Schlüssel) gelten 15 Minuten bis 12 Stunden.</translation>
    </message>
    <message>
      <source>Test again in a few minutes; check the AWS Health Dashboard for the region.</source>
      <translation>Testen Sie in einigen Minuten erneut; sehen Sie im AWS Health Dashboard nach der Region.</translation>
    </message>
    <message>
      <source>The AWS endpoint did not answer in time</source>
      <translation>Der AWS-Endpunkt hat nicht rechtzeitig geantwortet</translation>
    </message>
    <message>
      <source>The AWS service had an internal error or is unavailable</source>
      <translation>Der AWS-Dienst hatte einen internen Fehler oder ist nicht verfügbar</translation>
    </message>
    <message>
      <source>The Bedrock model is not available to this account</source>
      <translation>Das Bedrock-Modell ist für dieses Konto nicht verfügbar</translation>
    </message>
    <message>
      <source>The DNS server is not reachable or does not know the name.</source>
      <translation>Der DNS-Server ist nicht erreichbar oder kennt den Namen nicht.</translation>
    </message>
    <message>
      <source>The External ID is wrong or missing: the role's trust policy requires sts:ExternalId to match.</source>
      <translation>Die Externe ID ist falsch oder fehlt: Die Vertrauensrichtlinie der Rolle verlangt ein passendes sts:ExternalId.</translation>
    </message>
    <message>
      <source>The IAM Identity Center login was not approved in time</source>
      <translation>Die Anmeldung bei IAM Identity Center wurde nicht rechtzeitig bestätigt</translation>
    </message>
    <message>
      <source>The IAM Identity Center session ended: its access token expired and could not be refreshed, it was revoked, or the user signed out.</source>
      <translation>Die Sitzung bei IAM Identity Center ist beendet: Ihr Zugriffstoken ist abgelaufen und konnte nicht erneuert werden, es wurde widerrufen, oder der Benutzer hat sich abgemeldet.</translation>
    </message>
    <message>
      <source>The MFA device identifier is mistyped, or it is a user's ARN (…:user/NAME) instead of the device's (…:mfa/NAME).</source>
      <translation>Die Kennung des MFA-Geräts ist vertippt, oder es ist der ARN eines Benutzers (…:user/NAME) statt der des Geräts (…:mfa/NAME).</translation>
    </message>
    <message>
      <source>The SSO region is not the region where the organisation's IAM Identity Center lives.</source>
      <translation>Die SSO-Region ist nicht die Region, in der das IAM Identity Center der Organisation liegt.</translation>
    </message>
    <message>
      <source>The access key ID was mistyped or pasted incompletely.</source>
      <translation>Die Zugriffsschlüssel-ID wurde vertippt oder unvollständig eingefügt.</translation>
    </message>
    <message>
      <source>The account ID or the role (permission set) name is mistyped, or the assignment was removed.</source>
      <translation>Die Konto-ID oder der Name der Rolle (des Berechtigungssatzes) ist vertippt, oder die Zuweisung wurde entfernt.</translation>
    </message>
    <message>
      <source>The authenticator's clock is off, or the code came from another account's entry in the app.</source>
      <translation>Die Uhr des Authenticators geht falsch, oder der Code stammt vom Eintrag eines anderen Kontos in der App.</translation>
    </message>
    <message>
      <source>The browser page or the device code was not confirmed before the code expired.</source>
      <translation>Die Browserseite oder der Gerätecode wurde nicht bestätigt, bevor der Code ablief.</translation>
    </message>
    <message>
      <source>The caller's IAM policy does not allow sts:AssumeRole on this role.</source>
      <translation>Die IAM-Richtlinie des Aufrufers erlaubt sts:AssumeRole auf diese Rolle nicht.</translation>
    </message>
    <message>
      <source>The code was already used: AWS accepts each code once, so it can't be reused within its 30-second window (e.g. for a second test or a second profile right after the first).</source>
      <translation>Der Code wurde schon verwendet: AWS nimmt jeden Code nur einmal an, er lässt sich also innerhalb seines 30-Sekunden-Fensters nicht erneut nutzen (z. B. für einen zweiten Test oder ein zweites Profil direkt nach dem ersten).</translation>
    </message>
    <message>
      <source>The code was mistyped, or it had already changed (a code is valid for its 30-second window).</source>
      <translation>Der Code wurde vertippt oder hatte bereits gewechselt (ein Code gilt für sein 30-Sekunden-Fenster).</translation>
    </message>
    <message>
      <source>The device belongs to another user or another account than the access key.</source>
      <translation>Das Gerät gehört zu einem anderen Benutzer oder Konto als der Zugriffsschlüssel.</translation>
    </message>
    <message>
      <source>The device was removed or replaced in IAM.</source>
      <translation>Das Gerät wurde in IAM entfernt oder ersetzt.</translation>
    </message>
    <message>
      <source>The endpoint URL override or the region contains a typo.</source>
      <translation>Die abweichende Endpunkt-URL oder die Region enthält einen Tippfehler.</translation>
    </message>
    <message>
      <source>The endpoint URL override points to a host or port where nothing listens.</source>
      <translation>Die abweichende Endpunkt-URL zeigt auf einen Host oder Port, an dem nichts lauscht.</translation>
    </message>
    <message>
      <source>The endpoint URL override points to a server whose certificate does not match its name.</source>
      <translation>Die abweichende Endpunkt-URL zeigt auf einen Server, dessen Zertifikat nicht zu seinem Namen passt.</translation>
    </message>
    <message>
      <source>The endpoint's host name could not be resolved</source>
      <translation>Der Hostname des Endpunkts konnte nicht aufgelöst werden</translation>
    </message>
    <message>
      <source>The identity is authenticated, but no IAM policy allows the action the test needs.</source>
      <translation>Die Identität ist angemeldet, aber keine IAM-Richtlinie erlaubt die Aktion, die der Test braucht.</translation>
    </message>
    <message>
      <source>The key belongs to another partition (e.g. a China or GovCloud key used against the standard regions).</source>
      <translation>Der Schlüssel gehört zu einer anderen Partition (z. B. ein China- oder GovCloud-Schlüssel gegen die Standardregionen).</translation>
    </message>
    <message>
      <source>The key was deleted or deactivated in IAM.</source>
      <translation>Der Schlüssel wurde in IAM gelöscht oder deaktiviert.</translation>
    </message>
    <message>
      <source>The keychain was not unlocked at login.</source>
      <translation>Der Schlüsselbund wurde bei der Anmeldung nicht entsperrt.</translation>
    </message>
    <message>
      <source>The login was denied in the browser, or never done on this computer.</source>
      <translation>Die Anmeldung wurde im Browser abgelehnt oder auf diesem Computer nie durchgeführt.</translation>
    </message>
    <message>
      <source>The model id is wrong or the model is not offered in this region.</source>
      <translation>Die Modell-ID ist falsch, oder das Modell wird in dieser Region nicht angeboten.</translation>
    </message>
    <message>
      <source>The proxy address or port is wrong, or the proxy is down.</source>
      <translation>Adresse oder Port des Proxys sind falsch, oder der Proxy ist ausgefallen.</translation>
    </message>
    <message>
      <source>The proxy refuses the connection (authentication or a rule blocking AWS).</source>
      <translation>Der Proxy verweigert die Verbindung (Authentifizierung oder eine Regel, die AWS sperrt).</translation>
    </message>
    <message>
      <source>The region is not enabled for this account</source>
      <translation>Die Region ist für dieses Konto nicht aktiviert</translation>
    </message>
    <message>
      <source>The role's trust policy does not trust the caller (its Principal names another user, role or account).</source>
      <translation>Die Vertrauensrichtlinie der Rolle vertraut dem Aufrufer nicht (ihr Principal nennt einen anderen Benutzer, eine andere Rolle oder ein anderes Konto).</translation>
    </message>
    <message>
      <source>The role's trust policy may require MFA (aws:MultiFactorAuthPresent): add your MFA device to this profile and test again with a code.</source>
      <translation>Die Vertrauensrichtlinie der Rolle verlangt möglicherweise MFA (aws:MultiFactorAuthPresent): Fügen Sie diesem Profil Ihr MFA-Gerät hinzu und testen Sie erneut mit einem Code.</translation>
    </message>
    <message>
      <source>The secret access key does not match the access key ID</source>
      <translation>Der geheime Zugriffsschlüssel passt nicht zur Zugriffsschlüssel-ID</translation>
    </message>
    <message>
      <source>The secret access key was mistyped or pasted incompletely (it is 40 characters).</source>
      <translation>Der geheime Zugriffsschlüssel wurde vertippt oder unvollständig eingefügt (er hat 40 Zeichen).</translation>
    </message>
    <message>
      <source>The secret belongs to a different access key.</source>
      <translation>Das Geheimnis gehört zu einem anderen Zugriffsschlüssel.</translation>
    </message>
    <message>
      <source>The secure connection (TLS) to the endpoint could not be verified</source>
      <translation>Die sichere Verbindung (TLS) zum Endpunkt konnte nicht überprüft werden</translation>
    </message>
    <message>
      <source>The secure connection to IAM Identity Center could not be verified: a corporate proxy or TLS inspection is probably replacing AWS's certificate</source>
      <translation>Die sichere Verbindung zu IAM Identity Center konnte nicht überprüft werden: Wahrscheinlich ersetzt ein Firmen-Proxy oder eine TLS-Prüfung das Zertifikat von AWS</translation>
    </message>
    <message>
      <source>The service is not offered in this region or partition.</source>
      <translation>Der Dienst wird in dieser Region oder Partition nicht angeboten.</translation>
    </message>
    <message>
      <source>The session token has expired or is no longer valid</source>
      <translation>Das Sitzungstoken ist abgelaufen oder nicht mehr gültig</translation>
    </message>
    <message>
      <source>The session token was pasted incompletely or belongs to other keys.</source>
      <translation>Das Sitzungstoken wurde unvollständig eingefügt oder gehört zu anderen Schlüsseln.</translation>
    </message>
    <message>
      <source>The start URL is mistyped (it looks like https://NAME.awsapps.com/start or a custom domain).</source>
      <translation>Die Start-URL ist vertippt (sie sieht aus wie https://NAME.awsapps.com/start oder eine eigene Domain).</translation>
    </message>
    <message>
      <source>The system clock, its time zone, or time synchronisation (NTP) is misconfigured.</source>
      <translation>Die Systemuhr, ihre Zeitzone oder die Zeitsynchronisation (NTP) ist falsch eingestellt.</translation>
    </message>
    <message>
      <source>The system keychain is locked</source>
      <translation>Der Schlüsselbund des Systems ist gesperrt</translation>
    </message>
    <message>
      <source>The user (or their group) is not assigned this permission set in this account.</source>
      <translation>Dem Benutzer (oder seiner Gruppe) ist dieser Berechtigungssatz in diesem Konto nicht zugewiesen.</translation>
    </message>
    <message>
      <source>There is no network route, or a firewall refuses the connection.</source>
      <translation>Es gibt keine Netzwerkroute, oder eine Firewall verweigert die Verbindung.</translation>
    </message>
    <message>
      <source>This computer's clock is about {minutes} minutes ahead of AWS's time, so AWS refuses the signature</source>
      <translation>Die Uhr dieses Computers geht etwa {minutes} Minuten gegenüber der AWS-Zeit vor, deshalb lehnt AWS die Signatur ab</translation>
    </message>
    <message>
      <source>This computer's clock is about {minutes} minutes behind AWS's time, so AWS refuses the signature</source>
      <translation>Die Uhr dieses Computers geht etwa {minutes} Minuten gegenüber der AWS-Zeit nach, deshalb lehnt AWS die Signatur ab</translation>
    </message>
    <message>
      <source>This computer's clock is wrong, so AWS refuses the signature</source>
      <translation>Die Uhr dieses Computers geht falsch, daher lehnt AWS die Signatur ab</translation>
    </message>
    <message>
      <source>This is a network trust problem, not a problem with the credentials.</source>
      <translation>Das ist ein Vertrauensproblem im Netzwerk, kein Problem der Anmeldedaten.</translation>
    </message>
    <message>
      <source>Too many requests were made in a short time by this or other programs using the account.</source>
      <translation>Dieses oder andere Programme, die das Konto nutzen, haben in kurzer Zeit zu viele Anfragen gestellt.</translation>
    </message>
    <message>
      <source>Unlock the keychain (it asks for your login password) and try again.</source>
      <translation>Entsperren Sie den Schlüsselbund (er fragt nach Ihrem Anmeldepasswort) und versuchen Sie es erneut.</translation>
    </message>
    <message>
      <source>Wait a minute and test again. The credentials are fine.</source>
      <translation>Warten Sie eine Minute und testen Sie erneut. Die Anmeldedaten sind in Ordnung.</translation>
    </message>
    <message>
      <source>Wait for your authenticator to show the next code, then enter that new code. If codes keep failing, check the device's clock and that you read the entry of this account's device.</source>
      <translation>Warten Sie, bis Ihr Authenticator den nächsten Code zeigt, und geben Sie diesen neuen Code ein. Schlagen Codes weiter fehl, prüfen Sie die Uhr des Geräts und ob Sie den Eintrag des Geräts dieses Kontos ablesen.</translation>
    </message>
    <message>
      <source>{region} is an opt-in region: until it is enabled for the account, AWS there rejects the account's keys as unknown (enable it under Account → AWS Regions).</source>
      <translation>{region} ist eine Opt-in-Region: Solange sie für das Konto nicht aktiviert ist, lehnt AWS dort die Schlüssel des Kontos als unbekannt ab (aktivieren unter Konto → AWS-Regionen).</translation>
    </message>
  </context>
  <context>
    <name>diagnosis_view</name>
    <message>
      <source> · AWS error: {aws_error}</source>
      <translation> · AWS-Fehler: {aws_error}</translation>
    </message>
    <message>
      <source>Diagnosis code: {code}</source>
      <translation>Diagnosecode: {code}</translation>
    </message>
    <message>
      <source>Likely causes:</source>
      <translation>Wahrscheinliche Ursachen:</translation>
    </message>
    <message>
      <source>Refused IAM action: {refused}</source>
      <translation>Abgelehnte IAM-Aktion: {refused}</translation>
    </message>
    <message>
      <source>What to do:</source>
      <translation>Was zu tun ist:</translation>
    </message>
  </context>
  <context>
    <name>discard_guard</name>
    <message>
      <source>&amp;Discard</source>
      <translation>&amp;Verwerfen</translation>
    </message>
    <message>
      <source>&amp;Keep editing</source>
      <translation>Weiter &amp;bearbeiten</translation>
    </message>
    <message>
      <source>Discard the connection</source>
      <translation>Verbindung verwerfen</translation>
    </message>
    <message>
      <source>Discard this connection?</source>
      <translation>Diese Verbindung verwerfen?</translation>
    </message>
    <message>
      <source>What you entered and the test's result are lost; nothing has been saved yet.</source>
      <translation>Ihre Eingaben und das Testergebnis gehen verloren; noch ist nichts gespeichert.</translation>
    </message>
  </context>
  <context>
    <name>empty_state</name>
    <message>
      <source>&lt;h2&gt;No connections yet&lt;/h2&gt;</source>
      <translation>&lt;h2&gt;Noch keine Verbindungen&lt;/h2&gt;</translation>
    </message>
    <message>
      <source>A connection is a tested way to reach one AWS service in one Region. The wizard asks for the method, the credentials, the service and the Region, then tests it before saving. Practice mode lets you try everything against a local emulator: nothing reaches AWS.</source>
      <translation>Eine Verbindung ist ein getesteter Weg zu einem AWS-Dienst in einer Region. Der Assistent fragt nach Methode, Anmeldedaten, Dienst und Region und testet die Verbindung vor dem Speichern. Im Übungsmodus probieren Sie alles an einem lokalen Emulator aus: Nichts erreicht AWS.</translation>
    </message>
    <message>
      <source>Create your first connection</source>
      <translation>Erste Verbindung anlegen</translation>
    </message>
    <message>
      <source>Practice mode needs the local AWS emulator (moto), which this installation doesn't include: run it from source with ./dev run --practice</source>
      <translation>Der Übungsmodus braucht den lokalen AWS-Emulator (moto), der in dieser Installation fehlt: Starten Sie ihn aus dem Quellcode mit ./dev run --practice</translation>
    </message>
    <message>
      <source>Try practice mode</source>
      <translation>Übungsmodus ausprobieren</translation>
    </message>
  </context>
  <context>
    <name>engine</name>
    <message>
      <source>    Diagnosis: {code} — {summary}</source>
      <translation>    Diagnose: {code} – {summary}</translation>
    </message>
    <message>
      <source>    Error: {error}</source>
      <translation>    Fehler: {error}</translation>
    </message>
    <message>
      <source>    Refused action: {action}</source>
      <translation>    Abgelehnte Aktion: {action}</translation>
    </message>
    <message>
      <source>    What to do: {remedy}</source>
      <translation>    Was zu tun ist: {remedy}</translation>
    </message>
    <message>
      <source>AWS Connection Wizard — connection test</source>
      <translation>AWS Connection Wizard – Verbindungstest</translation>
    </message>
    <message>
      <source>Access token refreshed without a new login (valid until {when})</source>
      <translation>Zugriffstoken ohne neue Anmeldung erneuert (gültig bis {when})</translation>
    </message>
    <message>
      <source>Acting as {arn}</source>
      <translation>Handelt als {arn}</translation>
    </message>
    <message>
      <source>Assume the role with External ID — AssumeRole</source>
      <translation>Rolle mit Externer ID übernehmen – AssumeRole</translation>
    </message>
    <message>
      <source>Assume the role — AssumeRole</source>
      <translation>Rolle übernehmen – AssumeRole</translation>
    </message>
    <message>
      <source>Assumed role identity: {arn}</source>
      <translation>Identität der übernommenen Rolle: {arn}</translation>
    </message>
    <message>
      <source>Assumed {role}</source>
      <translation>Übernommen: {role}</translation>
    </message>
    <message>
      <source>Checked before contacting AWS</source>
      <translation>Geprüft, bevor AWS kontaktiert wurde</translation>
    </message>
    <message>
      <source>EC2 instance check (instance metadata)</source>
      <translation>Prüfung der EC2-Instanz (Instanz-Metadaten)</translation>
    </message>
    <message>
      <source>IAM Identity Center login — access token (refreshed when needed)</source>
      <translation>Anmeldung bei IAM Identity Center – Zugriffstoken (bei Bedarf erneuert)</translation>
    </message>
    <message>
      <source>Identity of the access key — GetCallerIdentity</source>
      <translation>Identität des Zugriffsschlüssels – GetCallerIdentity</translation>
    </message>
    <message>
      <source>Identity of the assumed role — GetCallerIdentity</source>
      <translation>Identität der übernommenen Rolle – GetCallerIdentity</translation>
    </message>
    <message>
      <source>Identity of the role — GetCallerIdentity</source>
      <translation>Identität der Rolle – GetCallerIdentity</translation>
    </message>
    <message>
      <source>Identity of the source ({source}) — GetCallerIdentity</source>
      <translation>Identität der Quelle ({source}) – GetCallerIdentity</translation>
    </message>
    <message>
      <source>Identity: {arn}</source>
      <translation>Identität: {arn}</translation>
    </message>
    <message>
      <source>Instance metadata and role look right</source>
      <translation>Instanz-Metadaten und Rolle sehen richtig aus</translation>
    </message>
    <message>
      <source>Logged in; the access token is valid until {when}</source>
      <translation>Angemeldet; das Zugriffstoken ist gültig bis {when}</translation>
    </message>
    <message>
      <source>Not running on an EC2 instance</source>
      <translation>Läuft nicht auf einer EC2-Instanz</translation>
    </message>
    <message>
      <source>Result:   FAILED ({code})</source>
      <translation>Ergebnis: FEHLGESCHLAGEN ({code})</translation>
    </message>
    <message>
      <source>Result:   OK</source>
      <translation>Ergebnis: OK</translation>
    </message>
    <message>
      <source>Role credentials expire: {when}</source>
      <translation>Anmeldedaten der Rolle laufen ab: {when}</translation>
    </message>
    <message>
      <source>Role credentials for {role} in account {account}</source>
      <translation>Rollen-Zugangsdaten für {role} im Konto {account}</translation>
    </message>
    <message>
      <source>Role {role} in account {account} — GetRoleCredentials</source>
      <translation>Rolle {role} im Konto {account} – GetRoleCredentials</translation>
    </message>
    <message>
      <source>Signed in as {arn} (account {account})</source>
      <translation>Angemeldet als {arn} (Konto {account})</translation>
    </message>
    <message>
      <source>Tested:   {when}</source>
      <translation>Getestet: {when}</translation>
    </message>
    <message>
      <source>{probe}: allowed</source>
      <translation>{probe}: erlaubt</translation>
    </message>
    <message>
      <source>{probe}: allowed ({code})</source>
      <translation>{probe}: erlaubt ({code})</translation>
    </message>
    <message>
      <source>{probe}: {endpoint} answered (HTTP {status}); the credentials were proven by GetCallerIdentity.</source>
      <translation>{probe}: {endpoint} hat geantwortet (HTTP {status}); die Zugangsdaten wurden durch GetCallerIdentity bestätigt.</translation>
    </message>
  </context>
  <context>
    <name>field_form</name>
    <message>
      <source>e.g. {placeholder}</source>
      <translation>z. B. {placeholder}</translation>
    </message>
    <message>
      <source>hidden as you type (Ctrl+Shift+H shows it)</source>
      <translation>verborgen bei der Eingabe (Strg+Umschalt+H zeigt es)</translation>
    </message>
  </context>
  <context>
    <name>fields</name>
    <message>
      <source>A Bedrock model the connection will use; the test only calls it if you allow it.</source>
      <translation>Ein Bedrock-Modell, das die Verbindung nutzen wird; der Test ruft es nur auf, wenn Sie es erlauben.</translation>
    </message>
    <message>
      <source>A value the role's trust policy requires (sts:ExternalId); it protects against the confused deputy problem.</source>
      <translation>Ein Wert, den die Vertrauensrichtlinie der Rolle verlangt (sts:ExternalId); er schützt vor dem „Confused Deputy“-Problem.</translation>
    </message>
    <message>
      <source>AKIAIOSFODNN7EXAMPLE</source>
      <translation>AKIAIOSFODNN7EXAMPLE</translation>
    </message>
    <message>
      <source>AWS account ID</source>
      <translation>AWS-Konto-ID</translation>
    </message>
    <message>
      <source>AWS service</source>
      <translation>AWS-Dienst</translation>
    </message>
    <message>
      <source>Access key ID</source>
      <translation>Zugriffsschlüssel-ID</translation>
    </message>
    <message>
      <source>Also test reading this one bucket (ListObjectsV2, one key): for roles limited to a single bucket.</source>
      <translation>Zusätzlich das Lesen dieses einen Buckets testen (ListObjectsV2, ein Schlüssel): für Rollen, die auf einen Bucket beschränkt sind.</translation>
    </message>
    <message>
      <source>Appears in the role's CloudTrail entries so you can tell this program's sessions apart.</source>
      <translation>Erscheint in den CloudTrail-Einträgen der Rolle, damit Sie die Sitzungen dieses Programms unterscheiden können.</translation>
    </message>
    <message>
      <source>Assume the role as</source>
      <translation>Rolle übernehmen als</translation>
    </message>
    <message>
      <source>Authentication method</source>
      <translation>Anmeldemethode</translation>
    </message>
    <message>
      <source>CA bundle file</source>
      <translation>CA-Zertifikatsdatei</translation>
    </message>
    <message>
      <source>Connect timeout</source>
      <translation>Verbindungs-Timeout</translation>
    </message>
    <message>
      <source>Endpoint URL</source>
      <translation>Endpunkt-URL</translation>
    </message>
    <message>
      <source>Endpoint for every service (VPC endpoint, FIPS, local emulator); empty: AWS's usual endpoints.</source>
      <translation>Endpunkt für jeden Dienst (VPC-Endpunkt, FIPS, lokaler Emulator); leer: die üblichen Endpunkte von AWS.</translation>
    </message>
    <message>
      <source>External ID</source>
      <translation>Externe ID</translation>
    </message>
    <message>
      <source>How long the role's temporary credentials last: 900 to 43200 seconds (15 minutes to 12 hours).</source>
      <translation>Wie lange die temporären Anmeldedaten der Rolle gelten: 900 bis 43200 Sekunden (15 Minuten bis 12 Stunden).</translation>
    </message>
    <message>
      <source>How this computer signs in to AWS.</source>
      <translation>Wie sich dieser Computer bei AWS anmeldet.</translation>
    </message>
    <message>
      <source>IAM role</source>
      <translation>IAM-Rolle</translation>
    </message>
    <message>
      <source>IAM role ARN</source>
      <translation>ARN der IAM-Rolle</translation>
    </message>
    <message>
      <source>Invoke the model during the test (may cost a fraction of a cent)</source>
      <translation>Das Modell beim Test aufrufen (kann Bruchteile eines Cents kosten)</translation>
    </message>
    <message>
      <source>MFA device</source>
      <translation>MFA-Gerät</translation>
    </message>
    <message>
      <source>Model ID</source>
      <translation>Modell-ID</translation>
    </message>
    <message>
      <source>Only for a proxy that asks for a user name and password; the password is kept in the keychain only.</source>
      <translation>Nur für einen Proxy, der Benutzername und Passwort verlangt; das Passwort wird nur im Schlüsselbund gespeichert.</translation>
    </message>
    <message>
      <source>Optional: the ARN of your MFA device (arn:aws:iam::123456789012:mfa/NAME) when AWS demands MFA; the test then asks for its six-digit code. Only virtual or hardware TOTP devices work: FIDO security keys can't be used with STS calls.</source>
      <translation>Optional: der ARN Ihres MFA-Geräts (arn:aws:iam::123456789012:mfa/NAME), wenn AWS MFA verlangt; der Test fragt dann nach seinem sechsstelligen Code. Nur virtuelle oder Hardware-TOTP-Geräte funktionieren: FIDO-Sicherheitsschlüssel sind mit STS-Aufrufen nicht nutzbar.</translation>
    </message>
    <message>
      <source>PEM file of the certificate authorities to trust, e.g. your company's when a proxy inspects HTTPS; empty: this computer's trust store.</source>
      <translation>PEM-Datei der vertrauenswürdigen Zertifizierungsstellen, z. B. der Ihrer Firma, wenn ein Proxy HTTPS prüft; leer: der Zertifikatsspeicher dieses Computers.</translation>
    </message>
    <message>
      <source>Proxy URL</source>
      <translation>Proxy-URL</translation>
    </message>
    <message>
      <source>Proxy user name</source>
      <translation>Proxy-Benutzername</translation>
    </message>
    <message>
      <source>Read timeout</source>
      <translation>Lese-Timeout</translation>
    </message>
    <message>
      <source>ReadOnlyAccess</source>
      <translation>ReadOnlyAccess</translation>
    </message>
    <message>
      <source>ReadOnlyRobot or arn:aws:iam::123456789012:role/ReadOnlyRobot</source>
      <translation>ReadOnlyRobot oder arn:aws:iam::123456789012:role/ReadOnlyRobot</translation>
    </message>
    <message>
      <source>Region</source>
      <translation>Region</translation>
    </message>
    <message>
      <source>Required for temporary keys (ASIA...), issued by AWS STS; lasts 15 minutes to 12 hours. Leave empty for AKIA keys.</source>
      <translation>Nötig für temporäre Schlüssel (ASIA...), ausgestellt von AWS STS; gilt 15 Minuten bis 12 Stunden. Bei AKIA-Schlüsseln leer lassen.</translation>
    </message>
    <message>
      <source>Role (permission set)</source>
      <translation>Rolle (Berechtigungssatz)</translation>
    </message>
    <message>
      <source>S3 bucket</source>
      <translation>S3-Bucket</translation>
    </message>
    <message>
      <source>SSO region</source>
      <translation>SSO-Region</translation>
    </message>
    <message>
      <source>Seconds to wait for AWS's answer.</source>
      <translation>Sekunden, die auf die Antwort von AWS gewartet wird.</translation>
    </message>
    <message>
      <source>Seconds to wait for a connection to AWS.</source>
      <translation>Sekunden, die auf eine Verbindung zu AWS gewartet wird.</translation>
    </message>
    <message>
      <source>Secret access key</source>
      <translation>Geheimer Zugriffsschlüssel</translation>
    </message>
    <message>
      <source>Session duration</source>
      <translation>Sitzungsdauer</translation>
    </message>
    <message>
      <source>Session name</source>
      <translation>Sitzungsname</translation>
    </message>
    <message>
      <source>Session token</source>
      <translation>Sitzungstoken</translation>
    </message>
    <message>
      <source>Start URL</source>
      <translation>Start-URL</translation>
    </message>
    <message>
      <source>The 12-digit account to work in, from the list the login allows.</source>
      <translation>Das 12-stellige Konto, in dem gearbeitet wird, aus der Liste, die die Anmeldung erlaubt.</translation>
    </message>
    <message>
      <source>The 40-character secret shown once when the access key was created.</source>
      <translation>Das 40-stellige Geheimnis, das beim Anlegen des Zugriffsschlüssels einmal angezeigt wurde.</translation>
    </message>
    <message>
      <source>The AWS Region to connect to, e.g. us-east-1.</source>
      <translation>Die AWS-Region, mit der verbunden wird, z. B. us-east-1.</translation>
    </message>
    <message>
      <source>The AWS access portal URL of your organisation's IAM Identity Center: https://NAME.awsapps.com/start or a custom domain.</source>
      <translation>Die URL des AWS-Zugangsportals des IAM Identity Center Ihrer Organisation: https://NAME.awsapps.com/start oder eine eigene Domain.</translation>
    </message>
    <message>
      <source>The AWS service this connection is for; the test proves access to it.</source>
      <translation>Der AWS-Dienst, für den diese Verbindung gedacht ist; der Test weist den Zugriff darauf nach.</translation>
    </message>
    <message>
      <source>The HTTPS proxy this network requires, e.g. http://proxy.example.com:3128; empty: connect directly. Put no password in it: it has its own field.</source>
      <translation>Der HTTPS-Proxy, den dieses Netzwerk verlangt, z. B. http://proxy.example.com:3128; leer: direkt verbinden. Kein Passwort hineinschreiben: Es hat ein eigenes Feld.</translation>
    </message>
    <message>
      <source>The access key of an IAM user (starts with AKIA) or temporary credentials (starts with ASIA).</source>
      <translation>Der Zugriffsschlüssel eines IAM-Benutzers (beginnt mit AKIA) oder temporäre Anmeldedaten (beginnen mit ASIA).</translation>
    </message>
    <message>
      <source>The full ARN of the role to assume in the other account.</source>
      <translation>Der vollständige ARN der zu übernehmenden Rolle im anderen Konto.</translation>
    </message>
    <message>
      <source>The region where IAM Identity Center lives (its settings show it); it may differ from the connection's region.</source>
      <translation>Die Region, in der IAM Identity Center eingerichtet ist (seine Einstellungen zeigen sie); sie kann von der Region der Verbindung abweichen.</translation>
    </message>
    <message>
      <source>The role IAM Identity Center gives you in that account (the permission set's name).</source>
      <translation>Die Rolle, die IAM Identity Center Ihnen in diesem Konto gibt (der Name des Berechtigungssatzes).</translation>
    </message>
    <message>
      <source>The role to assume: its name (e.g. ReadOnlyRobot) or its full ARN. The keys' user needs sts:AssumeRole on it.</source>
      <translation>Die zu übernehmende Rolle: ihr Name (z. B. ReadOnlyRobot) oder ihr vollständiger ARN. Der Benutzer der Schlüssel braucht sts:AssumeRole darauf.</translation>
    </message>
    <message>
      <source>The test then calls the model once with a tiny prompt.</source>
      <translation>Der Test ruft das Modell dann einmal mit einem winzigen Prompt auf.</translation>
    </message>
    <message>
      <source>Whose credentials call AssumeRole: this machine's default credentials, the EC2 instance role, or a saved profile.</source>
      <translation>Wessen Anmeldedaten AssumeRole aufrufen: die Standard-Anmeldedaten dieses Rechners, die EC2-Instanzrolle oder ein gespeichertes Profil.</translation>
    </message>
    <message>
      <source>anthropic.claude-3-haiku-20240307-v1:0</source>
      <translation>anthropic.claude-3-haiku-20240307-v1:0</translation>
    </message>
    <message>
      <source>arn:aws:iam::123456789012:mfa/NAME</source>
      <translation>arn:aws:iam::123456789012:mfa/NAME</translation>
    </message>
    <message>
      <source>arn:aws:iam::123456789012:role/PartnerAccess</source>
      <translation>arn:aws:iam::123456789012:role/PartnerAccess</translation>
    </message>
    <message>
      <source>aws-connection-wizard</source>
      <translation>aws-connection-wizard</translation>
    </message>
    <message>
      <source>eu-west-1</source>
      <translation>eu-west-1</translation>
    </message>
    <message>
      <source>http://proxy.example.com:3128</source>
      <translation>http://proxy.example.com:3128</translation>
    </message>
    <message>
      <source>https://my-company.awsapps.com/start</source>
      <translation>https://my-company.awsapps.com/start</translation>
    </message>
    <message>
      <source>https://vpce-0123-abcd.s3.us-east-1.vpce.amazonaws.com</source>
      <translation>https://vpce-0123-abcd.s3.us-east-1.vpce.amazonaws.com</translation>
    </message>
    <message>
      <source>my-team-reports</source>
      <translation>my-team-reports</translation>
    </message>
  </context>
  <context>
    <name>imds</name>
    <message>
      <source> in account {account}</source>
      <translation> im Konto {account}</translation>
    </message>
    <message>
      <source>AWS_EC2_METADATA_DISABLED=true is set, so the instance metadata service was not asked and no program here can use an instance role. Unset it to use the role attached to this instance.</source>
      <translation>AWS_EC2_METADATA_DISABLED=true ist gesetzt, daher wurde der Instanz-Metadatendienst nicht gefragt, und kein Programm hier kann eine Instanzrolle verwenden. Entfernen Sie die Variable, um die dieser Instanz zugewiesene Rolle zu verwenden.</translation>
    </message>
    <message>
      <source>AWS_EC2_METADATA_SERVICE_ENDPOINT is not a usable URL ({url}). Fix or unset it (the default is http://169.254.169.254).</source>
      <translation>AWS_EC2_METADATA_SERVICE_ENDPOINT ist keine verwendbare URL ({url}). Korrigieren oder entfernen Sie sie (Standard ist http://169.254.169.254).</translation>
    </message>
    <message>
      <source>Account</source>
      <translation>Konto</translation>
    </message>
    <message>
      <source>Attached role</source>
      <translation>Zugewiesene Rolle</translation>
    </message>
    <message>
      <source>Availability zone</source>
      <translation>Verfügbarkeitszone</translation>
    </message>
    <message>
      <source>Findings:</source>
      <translation>Befunde:</translation>
    </message>
    <message>
      <source>IMDS version in use</source>
      <translation>Verwendete IMDS-Version</translation>
    </message>
    <message>
      <source>IMDSv1 enabled</source>
      <translation>IMDSv1 aktiviert</translation>
    </message>
    <message>
      <source>IMDSv1 is still enabled on this instance: any request forgery bug in software here can read the role's credentials. Require IMDSv2 (aws ec2 modify-instance-metadata-options --http-tokens required) once your programs use a current AWS SDK.</source>
      <translation>IMDSv1 ist auf dieser Instanz noch aktiviert: jede Request-Forgery-Lücke in Software hier kann die Anmeldedaten der Rolle lesen. Verlangen Sie IMDSv2 (aws ec2 modify-instance-metadata-options --http-tokens required), sobald Ihre Programme ein aktuelles AWS SDK verwenden.</translation>
    </message>
    <message>
      <source>IMDSv1 only</source>
      <translation>nur IMDSv1</translation>
    </message>
    <message>
      <source>IMDSv2 (token)</source>
      <translation>IMDSv2 (Token)</translation>
    </message>
    <message>
      <source>Instance id</source>
      <translation>Instanz-ID</translation>
    </message>
    <message>
      <source>Instance profile</source>
      <translation>Instanzprofil</translation>
    </message>
    <message>
      <source>Metadata service</source>
      <translation>Metadatendienst</translation>
    </message>
    <message>
      <source>No findings: this instance's role can be used.</source>
      <translation>Keine Befunde: die Rolle dieser Instanz kann verwendet werden.</translation>
    </message>
    <message>
      <source>On EC2</source>
      <translation>Auf EC2</translation>
    </message>
    <message>
      <source>Region</source>
      <translation>Region</translation>
    </message>
    <message>
      <source>Role credentials expire</source>
      <translation>Anmeldedaten der Rolle laufen ab</translation>
    </message>
    <message>
      <source>The IMDSv2 token request timed out while a plain IMDSv1 request answered: the instance's metadata response hop limit is too low for this container or VM. Raise it to 2 (aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2), or run with host networking.</source>
      <translation>Die IMDSv2-Token-Anfrage lief in ein Zeitlimit, während eine einfache IMDSv1-Anfrage beantwortet wurde: das Hop-Limit der Metadaten-Antworten der Instanz ist für diesen Container oder diese VM zu niedrig. Erhöhen Sie es auf 2 (aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2) oder verwenden Sie Host-Networking.</translation>
    </message>
    <message>
      <source>The instance metadata service at {endpoint} did not answer {what} within {seconds} s. If this is an EC2 instance, check that the metadata service is enabled (instance metadata options), that no firewall or proxy blocks 169.254.169.254, and that the instance is not overloaded.</source>
      <translation>Der Instanz-Metadatendienst unter {endpoint} hat {what} nicht innerhalb von {seconds} s beantwortet. Wenn dies eine EC2-Instanz ist, prüfen Sie, ob der Metadatendienst aktiviert ist (Instanz-Metadatenoptionen), ob keine Firewall und kein Proxy 169.254.169.254 blockiert und ob die Instanz nicht überlastet ist.</translation>
    </message>
    <message>
      <source>This instance {why}, so programs here get no credentials from it. Attach an instance profile with the role (EC2 console: Actions &gt; Security &gt; Modify IAM role), or use an access key instead.</source>
      <translation>Diese Instanz {why}, daher erhalten Programme hier keine Anmeldedaten von ihr. Weisen Sie ein Instanzprofil mit der Rolle zu (EC2-Konsole: Aktionen &gt; Sicherheit &gt; IAM-Rolle ändern) oder verwenden Sie stattdessen einen Zugriffsschlüssel.</translation>
    </message>
    <message>
      <source>This machine does not look like an EC2 instance: {why}. The assume-role method with an instance role only works on an EC2 instance; elsewhere use an access key, or check this on the instance itself.</source>
      <translation>Dieser Rechner sieht nicht wie eine EC2-Instanz aus: {why}. Die Methode „Rolle übernehmen“ mit einer Instanzrolle funktioniert nur auf einer EC2-Instanz; verwenden Sie anderswo einen Zugriffsschlüssel oder prüfen Sie dies auf der Instanz selbst.</translation>
    </message>
    <message>
      <source>You entered the role '{entered}', but this instance has the role '{role}'{where} attached. Enter the attached role, or ask an administrator to attach the role you need to this instance's instance profile (EC2 console: Actions &gt; Security &gt; Modify IAM role).</source>
      <translation>Sie haben die Rolle „{entered}“ eingegeben, aber dieser Instanz ist die Rolle „{role}“{where} zugewiesen. Geben Sie die zugewiesene Rolle ein oder bitten Sie einen Administrator, die benötigte Rolle dem Instanzprofil dieser Instanz zuzuweisen (EC2-Konsole: Aktionen &gt; Sicherheit &gt; IAM-Rolle ändern).</translation>
    </message>
    <message>
      <source>a plain request</source>
      <translation>eine einfache Anfrage</translation>
    </message>
    <message>
      <source>error</source>
      <translation>Fehler</translation>
    </message>
    <message>
      <source>every request</source>
      <translation>die Anfragen</translation>
    </message>
    <message>
      <source>has no IAM role attached</source>
      <translation>hat keine IAM-Rolle zugewiesen</translation>
    </message>
    <message>
      <source>named no role (HTTP {status})</source>
      <translation>hat keine Rolle genannt (HTTP {status})</translation>
    </message>
    <message>
      <source>no</source>
      <translation>nein</translation>
    </message>
    <message>
      <source>no instance metadata service answered at {endpoint}</source>
      <translation>unter {endpoint} hat kein Instanz-Metadatendienst geantwortet</translation>
    </message>
    <message>
      <source>nothing answers at {endpoint} (connection refused or no route)</source>
      <translation>unter {endpoint} antwortet nichts (Verbindung abgelehnt oder keine Route)</translation>
    </message>
    <message>
      <source>the token request</source>
      <translation>die Token-Anfrage</translation>
    </message>
    <message>
      <source>the token request or a plain request</source>
      <translation>die Token-Anfrage und auch eine einfache Anfrage</translation>
    </message>
    <message>
      <source>the token request timed out and a plain request got HTTP {status}</source>
      <translation>die Token-Anfrage lief in ein Zeitlimit und eine einfache Anfrage erhielt HTTP {status}</translation>
    </message>
    <message>
      <source>the token request was answered with HTTP {status}</source>
      <translation>die Token-Anfrage wurde mit HTTP {status} beantwortet</translation>
    </message>
    <message>
      <source>unknown</source>
      <translation>unbekannt</translation>
    </message>
    <message>
      <source>warning</source>
      <translation>Warnung</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>ja</translation>
    </message>
    <message>
      <source>{why}, and a plain request got HTTP {status}</source>
      <translation>{why}, und eine einfache Anfrage erhielt HTTP {status}</translation>
    </message>
  </context>
  <context>
    <name>instance</name>
    <message>
      <source>Check this machine's EC2 instance metadata (IMDSv2, 1 s per request): instance, account, attached role and its credentials' expiration (never the credentials), and findings such as a role mismatch, IMDSv1 still enabled or the container hop-limit symptom. Exit 0 ok, 1 a check failed, 3 instance metadata disabled here.</source>
      <translation>Die EC2-Instanz-Metadaten dieses Rechners prüfen (IMDSv2, 1 s je Anfrage): Instanz, Konto, zugewiesene Rolle und Ablauf ihrer Anmeldedaten (nie die Anmeldedaten selbst) sowie Befunde wie eine falsche Rolle, noch aktiviertes IMDSv1 oder das Hop-Limit-Symptom in Containern. Exit 0 in Ordnung, 1 eine Prüfung schlug fehl, 3 Instanz-Metadaten hier abgeschaltet.</translation>
    </message>
    <message>
      <source>Check this machine's EC2 instance metadata and attached role.</source>
      <translation>Die EC2-Instanz-Metadaten und die zugewiesene Rolle dieses Rechners prüfen.</translation>
    </message>
    <message>
      <source>the role you intend to use (name or ARN): report a mismatch</source>
      <translation>die Rolle, die Sie verwenden wollen (Name oder ARN): eine Abweichung melden</translation>
    </message>
  </context>
  <context>
    <name>keychain</name>
    <message>
      <source>A keychain entry is longer than {limit} characters.</source>
      <translation>Ein Schlüsselbund-Eintrag ist länger als {limit} Zeichen.</translation>
    </message>
    <message>
      <source>A secret is longer than {limit} characters.</source>
      <translation>Ein Geheimnis ist länger als {limit} Zeichen.</translation>
    </message>
    <message>
      <source>A stored IAM Identity Center entry is not readable; log in again.</source>
      <translation>Ein gespeicherter IAM-Identity-Center-Eintrag ist nicht lesbar; melden Sie sich erneut an.</translation>
    </message>
    <message>
      <source>No usable keychain on this system ({detail}). Nothing secret was saved.</source>
      <translation>Kein nutzbarer Schlüsselbund auf diesem System ({detail}). Nichts Geheimes wurde gespeichert.</translation>
    </message>
    <message>
      <source>No usable keychain: {reason}. Nothing secret was saved.</source>
      <translation>Kein nutzbarer Schlüsselbund: {reason}. Nichts Geheimes wurde gespeichert.</translation>
    </message>
    <message>
      <source>The Secret Service is not running ({detail}). Nothing secret was saved.</source>
      <translation>Der Secret Service läuft nicht ({detail}). Nichts Geheimes wurde gespeichert.</translation>
    </message>
    <message>
      <source>The Secret Service is not running. Nothing secret was saved.</source>
      <translation>Der Secret Service läuft nicht. Nichts Geheimes wurde gespeichert.</translation>
    </message>
    <message>
      <source>The keychain entry stayed locked.</source>
      <translation>Der Schlüsselbund-Eintrag blieb gesperrt.</translation>
    </message>
    <message>
      <source>The keychain is locked and the unlock prompt was not answered in {seconds} s.</source>
      <translation>Der Schlüsselbund ist gesperrt, und die Entsperr-Abfrage wurde nicht innerhalb von {seconds} s beantwortet.</translation>
    </message>
    <message>
      <source>The keychain is locked and unlocking was refused or could not be asked.</source>
      <translation>Der Schlüsselbund ist gesperrt, und das Entsperren wurde abgelehnt oder konnte nicht erfragt werden.</translation>
    </message>
    <message>
      <source>The keychain is locked and was not unlocked. Unlock it (log in again or open your keyring manager) and retry.</source>
      <translation>Der Schlüsselbund ist gesperrt und wurde nicht entsperrt. Entsperren Sie ihn (melden Sie sich erneut an oder öffnen Sie Ihre Schlüsselbundverwaltung) und versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>The keychain reported an error: {detail}</source>
      <translation>Der Schlüsselbund meldete einen Fehler: {detail}</translation>
    </message>
  </context>
  <context>
    <name>machine_check</name>
    <message>
      <source>; attached role: {role}</source>
      <translation>; angehängte Rolle: {role}</translation>
    </message>
    <message>
      <source>; no role is attached</source>
      <translation>; keine Rolle angehängt</translation>
    </message>
    <message>
      <source>Check this machine</source>
      <translation>Diesen Rechner prüfen</translation>
    </message>
    <message>
      <source>Checking this computer's instance metadata…</source>
      <translation>Die Instanz-Metadaten dieses Computers werden geprüft …</translation>
    </message>
    <message>
      <source>EC2 instance {0} has the role {role} attached: it is offered above as the identity that assumes the role.</source>
      <translation>An EC2-Instanz {0} ist die Rolle {role} angehängt: Sie wird oben als Identität angeboten, die die Rolle übernimmt.</translation>
    </message>
    <message>
      <source>Instance metadata is turned off here (AWS_EC2_METADATA_DISABLED=true), so this computer was not checked and no instance role can be offered. Choose another source, or unset the variable on an EC2 instance.</source>
      <translation>Instanz-Metadaten sind hier abgeschaltet (AWS_EC2_METADATA_DISABLED=true); dieser Computer wurde daher nicht geprüft, und es kann keine Instanzrolle angeboten werden. Wählen Sie eine andere Quelle oder entfernen Sie die Variable auf einer EC2-Instanz.</translation>
    </message>
    <message>
      <source>Not on EC2: this computer has no instance role to offer as the identity that assumes the role. Choose another source here, or check on the instance itself.</source>
      <translation>Nicht auf EC2: Dieser Computer hat keine Instanzrolle, die als Identität die Rolle übernehmen könnte. Wählen Sie hier eine andere Quelle oder prüfen Sie auf der Instanz selbst.</translation>
    </message>
    <message>
      <source>On an EC2 instance, the role attached to it can be the identity that assumes the role.</source>
      <translation>Auf einer EC2-Instanz kann die angehängte Rolle die Identität sein, die die Rolle übernimmt.</translation>
    </message>
    <message>
      <source>Programs using this method must run on an EC2 instance with the role attached.</source>
      <translation>Programme mit dieser Methode müssen auf einer EC2-Instanz mit angehängter Rolle laufen.</translation>
    </message>
    <message>
      <source>The check could not run: {exc}</source>
      <translation>Die Prüfung konnte nicht laufen: {exc}</translation>
    </message>
    <message>
      <source>The instance role can be used as entered.</source>
      <translation>Die Instanzrolle kann wie eingegeben verwendet werden.</translation>
    </message>
    <message>
      <source>This is EC2 instance {0} in {1}</source>
      <translation>Dies ist EC2-Instanz {0} in {1}</translation>
    </message>
  </context>
  <context>
    <name>manager</name>
    <message>
      <source>AWS Connection Wizard: profiles</source>
      <translation>AWS-Verbindungsassistent: Profile</translation>
    </message>
    <message>
      <source>Could not read the profiles</source>
      <translation>Die Profile konnten nicht gelesen werden</translation>
    </message>
    <message>
      <source>Could not start practice mode</source>
      <translation>Der Übungsmodus konnte nicht gestartet werden</translation>
    </message>
    <message>
      <source>Create a practice connection</source>
      <translation>Übungsverbindung anlegen</translation>
    </message>
    <message>
      <source>Starting the practice emulator on 127.0.0.1…</source>
      <translation>Der Übungs-Emulator auf 127.0.0.1 wird gestartet …</translation>
    </message>
    <message>
      <source>the OS keychain</source>
      <translation>den Schlüsselbund des Systems</translation>
    </message>
  </context>
  <context>
    <name>manager_dialogs</name>
    <message>
      <source>A new access key ID comes with a new secret access key: paste it too.</source>
      <translation>Zu einer neuen Zugriffsschlüssel-ID gehört ein neuer geheimer Zugriffsschlüssel: Fügen Sie ihn ebenfalls ein.</translation>
    </message>
    <message>
      <source>A session token is required.</source>
      <translation>Ein Sitzungstoken ist erforderlich.</translation>
    </message>
    <message>
      <source>Access key ID:</source>
      <translation>Zugriffsschlüssel-ID:</translation>
    </message>
    <message>
      <source>Error: {problem}</source>
      <translation>Fehler: {problem}</translation>
    </message>
    <message>
      <source>New secret access key (optional)</source>
      <translation>Neuer geheimer Zugriffsschlüssel (optional)</translation>
    </message>
    <message>
      <source>New session token</source>
      <translation>Neues Sitzungstoken</translation>
    </message>
    <message>
      <source>Paste the new temporary credentials issued by AWS STS. They are stored in the keychain only, and the session token's time left restarts now. Leave the secret access key empty to keep the stored one.</source>
      <translation>Fügen Sie die neuen temporären Anmeldedaten von AWS STS ein. Sie werden nur im Schlüsselbund gespeichert, und die Restlaufzeit des Sitzungstokens beginnt jetzt neu. Lassen Sie den geheimen Zugriffsschlüssel leer, um den gespeicherten zu behalten.</translation>
    </message>
    <message>
      <source>Problem with the name</source>
      <translation>Problem mit dem Namen</translation>
    </message>
    <message>
      <source>Renew session token: {profile_name}</source>
      <translation>Sitzungstoken erneuern: {profile_name}</translation>
    </message>
    <message>
      <source>Secret access key:</source>
      <translation>Geheimer Zugriffsschlüssel:</translation>
    </message>
    <message>
      <source>Session token:</source>
      <translation>Sitzungstoken:</translation>
    </message>
  </context>
  <context>
    <name>manager_toolbar</name>
    <message>
      <source>&amp;Close window</source>
      <translation>Fenster s&amp;chließen</translation>
    </message>
    <message>
      <source>&amp;Duplicate</source>
      <translation>&amp;Duplizieren</translation>
    </message>
    <message>
      <source>&amp;Edit</source>
      <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
      <source>&amp;Import</source>
      <translation>&amp;Importieren</translation>
    </message>
    <message>
      <source>&amp;New</source>
      <translation>&amp;Neu</translation>
    </message>
    <message>
      <source>&amp;Profiles</source>
      <translation>&amp;Profile</translation>
    </message>
    <message>
      <source>&amp;Rename</source>
      <translation>&amp;Umbenennen</translation>
    </message>
    <message>
      <source>&amp;Test</source>
      <translation>&amp;Testen</translation>
    </message>
    <message>
      <source>Copy the selected profile (its secrets too) under a new name</source>
      <translation>Das ausgewählte Profil (samt Geheimnissen) unter neuem Namen kopieren</translation>
    </message>
    <message>
      <source>Create a connection with the wizard</source>
      <translation>Eine Verbindung mit dem Assistenten anlegen</translation>
    </message>
    <message>
      <source>De&amp;lete</source>
      <translation>&amp;Löschen</translation>
    </message>
    <message>
      <source>Delete the selected profile and its keychain entries</source>
      <translation>Das ausgewählte Profil und seine Schlüsselbund-Einträge löschen</translation>
    </message>
    <message>
      <source>E&amp;xport</source>
      <translation>E&amp;xportieren</translation>
    </message>
    <message>
      <source>Enter a code from the MFA device: a new MFA session for the selected profile</source>
      <translation>Einen Code vom MFA-Gerät eingeben: eine neue MFA-Sitzung für das ausgewählte Profil</translation>
    </message>
    <message>
      <source>Enter a new session token for the selected profile's temporary keys</source>
      <translation>Ein neues Sitzungstoken für die temporären Schlüssel des ausgewählten Profils eingeben</translation>
    </message>
    <message>
      <source>Export the selected profile to the AWS config file (credential_process)</source>
      <translation>Das ausgewählte Profil in die AWS-Konfigurationsdatei exportieren (credential_process)</translation>
    </message>
    <message>
      <source>Import profiles from the AWS shared config and credentials files</source>
      <translation>Profile aus den gemeinsamen AWS-Dateien config und credentials importieren</translation>
    </message>
    <message>
      <source>Open the wizard with the selected profile's settings</source>
      <translation>Den Assistenten mit den Einstellungen des ausgewählten Profils öffnen</translation>
    </message>
    <message>
      <source>Profiles</source>
      <translation>Profile</translation>
    </message>
    <message>
      <source>Re&amp;new MFA session…</source>
      <translation>MFA-Sitzung &amp;erneuern…</translation>
    </message>
    <message>
      <source>Re&amp;new session token…</source>
      <translation>Sitzungstoken &amp;erneuern…</translation>
    </message>
    <message>
      <source>Re&amp;new token</source>
      <translation>Token &amp;erneuern</translation>
    </message>
    <message>
      <source>Rename the selected profile</source>
      <translation>Das ausgewählte Profil umbenennen</translation>
    </message>
    <message>
      <source>Test the selected profile now, live</source>
      <translation>Das ausgewählte Profil jetzt live testen</translation>
    </message>
  </context>
  <context>
    <name>manager_work</name>
    <message>
      <source>No usable keychain was found (a Secret Service such as GNOME Keyring or KWallet must be running). This program never keeps secrets in plain text.</source>
      <translation>Es wurde kein nutzbarer Schlüsselbund gefunden (ein Secret Service wie GNOME Keyring oder KWallet muss laufen). Dieses Programm speichert Geheimnisse nie im Klartext.</translation>
    </message>
    <message>
      <source>Nothing was saved: the keychain comes first, the profile file only after it.</source>
      <translation>Nichts wurde gespeichert: Zuerst kommt der Schlüsselbund, erst danach die Profildatei.</translation>
    </message>
    <message>
      <source>The keychain is locked. Unlock it (usually your login keyring) and try again.</source>
      <translation>Der Schlüsselbund ist gesperrt. Entsperren Sie ihn (meist Ihr Anmelde-Schlüsselbund) und versuchen Sie es erneut.</translation>
    </message>
    <message>
      <source>The keychain reported a problem ({code}).</source>
      <translation>Der Schlüsselbund meldet ein Problem ({code}).</translation>
    </message>
    <message>
      <source>{title}: failed</source>
      <translation>{title}: fehlgeschlagen</translation>
    </message>
  </context>
  <context>
    <name>method_page</name>
    <message>
      <source>&amp;Access key</source>
      <translation>Z&amp;ugriffsschlüssel</translation>
    </message>
    <message>
      <source>&amp;Cross-account role with External ID</source>
      <translation>&amp;Kontoübergreifende Rolle mit Externer ID</translation>
    </message>
    <message>
      <source>&amp;IAM Identity Center (SSO)</source>
      <translation>&amp;IAM Identity Center (SSO)</translation>
    </message>
    <message>
      <source>Access key + assume &amp;role</source>
      <translation>Zugriffsschlüssel + &amp;Rolle übernehmen</translation>
    </message>
    <message>
      <source>Best for</source>
      <translation>Am besten für</translation>
    </message>
    <message>
      <source>Best for: {best_for} Limitations: {limitations}</source>
      <translation>Am besten für: {best_for} Grenzen: {limitations}</translation>
    </message>
    <message>
      <source>Choose an authentication method. You can change it later by editing the connection.</source>
      <translation>Wählen Sie eine Anmeldemethode. Sie können sie später ändern, indem Sie die Verbindung bearbeiten.</translation>
    </message>
    <message>
      <source>How will this computer sign in to AWS?</source>
      <translation>Wie meldet sich dieser Computer bei AWS an?</translation>
    </message>
    <message>
      <source>Limitations</source>
      <translation>Grenzen</translation>
    </message>
    <message>
      <source>Session tokens are issued by AWS STS and last 15 minutes to 12 hours; when one expires the connection must be renewed. For automations that run longer, use a cross-account role: it needs no session token on this computer.</source>
      <translation>Sitzungstokens stellt AWS STS aus; sie gelten 15 Minuten bis 12 Stunden. Läuft eines ab, muss die Verbindung erneuert werden. Für länger laufende Automatisierungen nehmen Sie eine kontoübergreifende Rolle: Sie braucht kein Sitzungstoken auf diesem Computer.</translation>
    </message>
  </context>
  <context>
    <name>methods</name>
    <message>
      <source>A long-term key (AKIA…) works until it is deactivated: rotate it regularly. Temporary keys (ASIA…) come with a session token and stop working after 15 minutes to 12 hours.</source>
      <translation>Ein dauerhafter Schlüssel (AKIA…) gilt, bis er deaktiviert wird: Wechseln Sie ihn regelmäßig. Temporäre Schlüssel (ASIA…) kommen mit einem Sitzungstoken und gelten nur 15 Minuten bis 12 Stunden.</translation>
    </message>
    <message>
      <source>A program on this computer that signs in with an IAM user's access key, or quick tests with keys you were given.</source>
      <translation>Ein Programm auf diesem Computer, das sich mit dem Zugriffsschlüssel eines IAM-Benutzers anmeldet, oder schnelle Tests mit Schlüsseln, die Sie erhalten haben.</translation>
    </message>
    <message>
      <source>A program that signs in with an IAM user's access key and then works as a role with narrower or other permissions (the user itself can do little more than assume the role).</source>
      <translation>Ein Programm, das sich mit dem Zugriffsschlüssel eines IAM-Benutzers anmeldet und dann als Rolle mit engeren oder anderen Berechtigungen arbeitet (der Benutzer selbst darf kaum mehr, als die Rolle zu übernehmen).</translation>
    </message>
    <message>
      <source>Access key</source>
      <translation>Zugriffsschlüssel</translation>
    </message>
    <message>
      <source>Access key + assume role</source>
      <translation>Zugriffsschlüssel + Rolle übernehmen</translation>
    </message>
    <message>
      <source>Cross-account role with External ID</source>
      <translation>Kontoübergreifende Rolle mit Externer ID</translation>
    </message>
    <message>
      <source>Enter the access key of the IAM user this computer will sign in as.</source>
      <translation>Geben Sie den Zugriffsschlüssel des IAM-Benutzers ein, als der sich dieser Computer anmeldet.</translation>
    </message>
    <message>
      <source>Enter the access key that will assume the role, and the role.</source>
      <translation>Geben Sie den Zugriffsschlüssel ein, der die Rolle übernimmt, und die Rolle.</translation>
    </message>
    <message>
      <source>Enter the role in the other account, its External ID, and who assumes it.</source>
      <translation>Geben Sie die Rolle im anderen Konto, ihre Externe ID und die übernehmende Identität ein.</translation>
    </message>
    <message>
      <source>Enter your organisation's start URL (the AWS access portal URL) and the region of IAM Identity Center; you log in next.</source>
      <translation>Geben Sie die Start-URL Ihrer Organisation (die URL des AWS-Zugangsportals) und die Region von IAM Identity Center ein; danach melden Sie sich an.</translation>
    </message>
    <message>
      <source>IAM Identity Center (SSO)</source>
      <translation>IAM Identity Center (SSO)</translation>
    </message>
    <message>
      <source>Needs a login in the browser (or with a device code) when the session ends, typically after 8 hours to a few days; unattended programs can't do that login.</source>
      <translation>Braucht eine Anmeldung im Browser (oder mit einem Gerätecode), wenn die Sitzung endet, meist nach 8 Stunden bis einigen Tagen; unbeaufsichtigte Programme können sich so nicht anmelden.</translation>
    </message>
    <message>
      <source>Needs an access key on this computer as well as the role; the role's session lasts 15 minutes to 12 hours and is renewed from the key. On EC2 with an instance role no key is needed: use the cross-account method with "the EC2 instance role" as who assumes it.</source>
      <translation>Braucht neben der Rolle einen Zugriffsschlüssel auf diesem Computer; die Sitzung der Rolle dauert 15 Minuten bis 12 Stunden und wird mit dem Schlüssel erneuert. Auf EC2 mit einer Instanzrolle ist kein Schlüssel nötig: Verwenden Sie die kontoübergreifende Methode mit „der EC2-Instanzrolle“ als Übernehmender.</translation>
    </message>
    <message>
      <source>People who sign in to AWS through their organisation's access portal: no long-term keys on this machine; the login happens in the browser.</source>
      <translation>Personen, die sich über das Zugangsportal ihrer Organisation bei AWS anmelden: keine dauerhaften Schlüssel auf diesem Rechner; die Anmeldung geschieht im Browser.</translation>
    </message>
    <message>
      <source>Recommended for people whose organisation uses IAM Identity Center.</source>
      <translation>Empfohlen für Personen, deren Organisation IAM Identity Center nutzt.</translation>
    </message>
    <message>
      <source>Recommended for quick tests.</source>
      <translation>Empfohlen für schnelle Tests.</translation>
    </message>
    <message>
      <source>Recommended for unattended production.</source>
      <translation>Empfohlen für unbeaufsichtigten Betrieb.</translation>
    </message>
    <message>
      <source>Recommended when permissions are given to a role rather than to the user.</source>
      <translation>Empfohlen, wenn die Berechtigungen einer Rolle statt dem Benutzer gegeben sind.</translation>
    </message>
    <message>
      <source>The role's trust policy must name the identity that assumes it and require the External ID.</source>
      <translation>Die Vertrauensrichtlinie der Rolle muss die übernehmende Identität nennen und die Externe ID verlangen.</translation>
    </message>
    <message>
      <source>Unattended production use without long-term IAM keys on this machine.</source>
      <translation>Unbeaufsichtigter Produktivbetrieb ohne langfristige IAM-Schlüssel auf diesem Rechner.</translation>
    </message>
  </context>
  <context>
    <name>mfa_manager</name>
    <message>
      <source>Could not start the MFA session</source>
      <translation>Die MFA-Sitzung konnte nicht gestartet werden</translation>
    </message>
    <message>
      <source>New MFA session for {name}.</source>
      <translation>Neue MFA-Sitzung für {name}.</translation>
    </message>
    <message>
      <source>Starting a new MFA session for {name}…</source>
      <translation>Neue MFA-Sitzung für {name} wird gestartet…</translation>
    </message>
    <message>
      <source>The MFA session of {name} ends in {minutes} min: press Renew and enter a new code to keep working.</source>
      <translation>Die MFA-Sitzung von {name} endet in {minutes} min: Klicken Sie auf „Erneuern“ und geben Sie einen neuen Code ein, um weiterzuarbeiten.</translation>
    </message>
    <message>
      <source>The MFA session of {name} has ended: the next use asks for a new code (or press Renew).</source>
      <translation>Die MFA-Sitzung von {name} ist beendet: Die nächste Verwendung fragt nach einem neuen Code (oder klicken Sie auf „Erneuern“).</translation>
    </message>
  </context>
  <context>
    <name>mfa_prompt</name>
    <message>
      <source> for {profile_name}</source>
      <translation> für {profile_name}</translation>
    </message>
    <message>
      <source>&amp;Code:</source>
      <translation>&amp;Code:</translation>
    </message>
    <message>
      <source>Enter the six-digit code your authenticator shows now{what}.</source>
      <translation>Geben Sie den sechsstelligen Code ein, den Ihr Authenticator jetzt anzeigt{what}.</translation>
    </message>
    <message>
      <source>MFA code</source>
      <translation>MFA-Code</translation>
    </message>
    <message>
      <source>MFA device: {device}</source>
      <translation>MFA-Gerät: {device}</translation>
    </message>
    <message>
      <source>Six-digit MFA code</source>
      <translation>Sechsstelliger MFA-Code</translation>
    </message>
  </context>
  <context>
    <name>mfa_session</name>
    <message>
      <source>An MFA session lasts from {low} to {high} seconds (15 minutes to 36 hours).</source>
      <translation>Eine MFA-Sitzung dauert {low} bis {high} Sekunden (15 Minuten bis 36 Stunden).</translation>
    </message>
    <message>
      <source>No MFA device is set for this profile.</source>
      <translation>Für dieses Profil ist kein MFA-Gerät eingetragen.</translation>
    </message>
  </context>
  <context>
    <name>network_dialog</name>
    <message>
      <source> as {user}</source>
      <translation> als {user}</translation>
    </message>
    <message>
      <source>Advanced: network</source>
      <translation>Erweitert: Netzwerk</translation>
    </message>
    <message>
      <source>All files (*)</source>
      <translation>Alle Dateien (*)</translation>
    </message>
    <message>
      <source>Browse…</source>
      <translation>Durchsuchen…</translation>
    </message>
    <message>
      <source>CA bundle {path}</source>
      <translation>CA-Zertifikate {path}</translation>
    </message>
    <message>
      <source>Choose the CA bundle file</source>
      <translation>CA-Zertifikatsdatei auswählen</translation>
    </message>
    <message>
      <source>Kept in the keychain only, never in the profile file.</source>
      <translation>Nur im Schlüsselbund gespeichert, nie in der Profildatei.</translation>
    </message>
    <message>
      <source>Network: </source>
      <translation>Netzwerk: </translation>
    </message>
    <message>
      <source>Only needed on networks with a proxy, a company certificate authority or a VPC endpoint. Empty fields mean a direct connection to AWS's usual endpoints.</source>
      <translation>Nur nötig in Netzwerken mit einem Proxy, einer firmeneigenen Zertifizierungsstelle oder einem VPC-Endpunkt. Leere Felder bedeuten eine direkte Verbindung zu den üblichen Endpunkten von AWS.</translation>
    </message>
    <message>
      <source>PEM certificates (*.pem *.crt *.cer)</source>
      <translation>PEM-Zertifikate (*.pem *.crt *.cer)</translation>
    </message>
    <message>
      <source>Proxy password</source>
      <translation>Proxy-Passwort</translation>
    </message>
    <message>
      <source>endpoint {url}</source>
      <translation>Endpunkt {url}</translation>
    </message>
    <message>
      <source>hidden as you type (Ctrl+Shift+H shows it)</source>
      <translation>verdeckt beim Tippen (Strg+Umschalt+H zeigt es)</translation>
    </message>
    <message>
      <source>no proxy</source>
      <translation>kein Proxy</translation>
    </message>
    <message>
      <source>proxy {proxy}</source>
      <translation>Proxy {proxy}</translation>
    </message>
    <message>
      <source>timeouts {connect:g} s / {read:g} s</source>
      <translation>Timeouts {connect:g} s / {read:g} s</translation>
    </message>
  </context>
  <context>
    <name>policies</name>
    <message>
      <source>not an IAM identity ARN or account id: {value}</source>
      <translation>keine ARN einer IAM-Identität und keine Kontonummer: {value}</translation>
    </message>
  </context>
  <context>
    <name>policy</name>
    <message>
      <source>--permissions needs --service {{{services}}} and --region R</source>
      <translation>--permissions braucht --service {{{services}}} und --region R</translation>
    </message>
    <message>
      <source>Attach to the IAM user of the access key: it allows exactly what the connection needs and nothing else.</source>
      <translation>An den IAM-Benutzer des Zugriffsschlüssels anhängen: sie erlaubt genau das, was die Verbindung braucht, und nichts sonst.</translation>
    </message>
    <message>
      <source>Attach to the role: it allows exactly what the connection needs and nothing else.</source>
      <translation>An die Rolle anhängen: sie erlaubt genau das, was die Verbindung braucht, und nichts sonst.</translation>
    </message>
    <message>
      <source>Attach to the user or role that calls AssumeRole.</source>
      <translation>An den Benutzer oder die Rolle anhängen, die AssumeRole aufruft.</translation>
    </message>
    <message>
      <source>Bedrock: only this foundation model</source>
      <translation>Bedrock: nur dieses Foundation Model</translation>
    </message>
    <message>
      <source>External ID the trust policy demands (cross-account)</source>
      <translation>Externe ID, die die Vertrauensrichtlinie verlangt (kontoübergreifend)</translation>
    </message>
    <message>
      <source>Install as the trust policy of {role} (IAM &gt; Roles &gt; the role &gt; Trust relationships).</source>
      <translation>Als Vertrauensrichtlinie für {role} eintragen (IAM &gt; Rollen &gt; die Rolle &gt; Vertrauensstellungen).</translation>
    </message>
    <message>
      <source>Principal {principal}: found now with GetCallerIdentity (the profile has no tested identity stored).</source>
      <translation>Prinzipal {principal}: jetzt mit GetCallerIdentity ermittelt (das Profil hat keine getestete Identität gespeichert).</translation>
    </message>
    <message>
      <source>Principal {principal}: the identity the last test of {name} found ({when}); AWS was not contacted. Test again or pass --principal ARN if it changed.</source>
      <translation>Prinzipal {principal}: die Identität, die der letzte Test von {name} ermittelt hat ({when}); AWS wurde nicht kontaktiert. Testen Sie erneut oder geben Sie --principal ARN an, falls sie sich geändert hat.</translation>
    </message>
    <message>
      <source>Print the IAM policy JSON an administrator must install. Only the JSON goes to standard output; where to install it goes to standard error.</source>
      <translation>Das JSON der IAM-Richtlinie ausgeben, die ein Administrator einrichten muss. Nur das JSON geht auf die Standardausgabe; wo es einzutragen ist, auf die Standardfehlerausgabe.</translation>
    </message>
    <message>
      <source>Print the IAM policy an administrator must install for a profile.</source>
      <translation>Die IAM-Richtlinie ausgeben, die ein Administrator für ein Profil einrichten muss.</translation>
    </message>
    <message>
      <source>S3: read-only on this bucket</source>
      <translation>S3: nur Lesen in diesem Bucket</translation>
    </message>
    <message>
      <source>a saved profile (optional with the flags below)</source>
      <translation>ein gespeichertes Profil (optional mit den Optionen unten)</translation>
    </message>
    <message>
      <source>could not find the identity ({code}: {summary}); pass --principal ARN instead</source>
      <translation>die Identität konnte nicht ermittelt werden ({code}: {summary}); geben Sie stattdessen --principal ARN an</translation>
    </message>
    <message>
      <source>earlier</source>
      <translation>früher</translation>
    </message>
    <message>
      <source>least-privilege permissions for the service</source>
      <translation>minimale Berechtigungen für den Dienst</translation>
    </message>
    <message>
      <source>pass --principal ARN (or a profile NAME to find the identity from)</source>
      <translation>geben Sie --principal ARN an (oder einen Profil-NAMEN, aus dem die Identität ermittelt wird)</translation>
    </message>
    <message>
      <source>profile file problem: {exc}</source>
      <translation>Problem mit der Profildatei: {exc}</translation>
    </message>
    <message>
      <source>profile {name!r} assumes no role ({method}), so there is no trust policy to install; --permissions gives what its identity needs (or pass --role-arn ARN)</source>
      <translation>Profil {name!r} übernimmt keine Rolle ({method}), daher gibt es keine Vertrauensrichtlinie einzurichten; --permissions gibt aus, was seine Identität braucht (oder geben Sie --role-arn ARN an)</translation>
    </message>
    <message>
      <source>role {role!r} is a name: pass --role-arn ARN</source>
      <translation>Rolle {role!r} ist ein Name: geben Sie --role-arn ARN an</translation>
    </message>
    <message>
      <source>the caller's sts:AssumeRole permission on the role</source>
      <translation>die sts:AssumeRole-Berechtigung des Aufrufers für die Rolle</translation>
    </message>
    <message>
      <source>the identity to trust (default: found from the profile)</source>
      <translation>die Identität, der vertraut wird (Standard: aus dem Profil ermittelt)</translation>
    </message>
    <message>
      <source>the role</source>
      <translation>die Rolle</translation>
    </message>
    <message>
      <source>the role (for --caller, and the partition)</source>
      <translation>die Rolle (für --caller und die Partition)</translation>
    </message>
    <message>
      <source>the role is unknown: pass --role-arn ARN</source>
      <translation>die Rolle ist unbekannt: geben Sie --role-arn ARN an</translation>
    </message>
    <message>
      <source>the role's trust policy</source>
      <translation>die Vertrauensrichtlinie der Rolle</translation>
    </message>
  </context>
  <context>
    <name>policy_dialog</name>
    <message>
      <source> The role's trust policy names the identity that assumes the role, which the test discovers: it is shown after a test that gets past its first step.</source>
      <translation> Die Vertrauensrichtlinie der Rolle nennt die Identität, die die Rolle übernimmt; der Test ermittelt sie: Sie erscheint nach einem Test, der über den ersten Schritt hinauskommt.</translation>
    </message>
    <message>
      <source> with this External ID.</source>
      <translation> mit dieser Externen ID.</translation>
    </message>
    <message>
      <source>&amp;Copy</source>
      <translation>&amp;Kopieren</translation>
    </message>
    <message>
      <source>&amp;Save…</source>
      <translation>&amp;Speichern …</translation>
    </message>
    <message>
      <source>, and nothing else.</source>
      <translation>, und sonst nichts.</translation>
    </message>
    <message>
      <source>, plus {0} for the everyday use of {service}.</source>
      <translation>, dazu {0} für die alltägliche Nutzung von {service}.</translation>
    </message>
    <message>
      <source>AWS refused the test. An administrator installs these policies to allow this connection:</source>
      <translation>AWS hat den Test abgelehnt. Ein Administrator richtet diese Richtlinien ein, um die Verbindung zu erlauben:</translation>
    </message>
    <message>
      <source>All files (*)</source>
      <translation>Alle Dateien (*)</translation>
    </message>
    <message>
      <source>Attach to the calling user or role: allows sts:AssumeRole on this role.</source>
      <translation>An den aufrufenden Benutzer oder die aufrufende Rolle anhängen: erlaubt sts:AssumeRole auf diese Rolle.</translation>
    </message>
    <message>
      <source>Attach to {target}: allows the calls the wizard's test makes</source>
      <translation>An {target} anhängen: erlaubt die Aufrufe, die der Test des Assistenten macht</translation>
    </message>
    <message>
      <source>Copied to the clipboard.</source>
      <translation>In die Zwischenablage kopiert.</translation>
    </message>
    <message>
      <source>Copy this policy's JSON to the clipboard.</source>
      <translation>Das JSON dieser Richtlinie in die Zwischenablage kopieren.</translation>
    </message>
    <message>
      <source>Could not save to {path}: {0}</source>
      <translation>Speichern nach {path} nicht möglich: {0}</translation>
    </message>
    <message>
      <source>IAM → Roles → {0} → Trust relationships: lets {identity_arn} assume the role</source>
      <translation>IAM → Rollen → {0} → Vertrauensstellungen: erlaubt {identity_arn}, die Rolle zu übernehmen</translation>
    </message>
    <message>
      <source>JSON files (*.json)</source>
      <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
      <source>No policy applies to this connection's settings.</source>
      <translation>Für die Einstellungen dieser Verbindung gilt keine Richtlinie.</translation>
    </message>
    <message>
      <source>Permission to assume the role</source>
      <translation>Berechtigung zum Übernehmen der Rolle</translation>
    </message>
    <message>
      <source>Permissions policy</source>
      <translation>Berechtigungsrichtlinie</translation>
    </message>
    <message>
      <source>Policies for this connection</source>
      <translation>Richtlinien für diese Verbindung</translation>
    </message>
    <message>
      <source>Save the {0}</source>
      <translation>{0} speichern</translation>
    </message>
    <message>
      <source>Save this policy as a JSON file.</source>
      <translation>Diese Richtlinie als JSON-Datei speichern.</translation>
    </message>
    <message>
      <source>Saved to {path}</source>
      <translation>Gespeichert unter {path}</translation>
    </message>
    <message>
      <source>The policies an administrator installs for this connection to work.</source>
      <translation>Die Richtlinien, die ein Administrator einrichtet, damit diese Verbindung funktioniert.</translation>
    </message>
    <message>
      <source>Trust policy of the role</source>
      <translation>Vertrauensrichtlinie der Rolle</translation>
    </message>
    <message>
      <source>the IAM user</source>
      <translation>den IAM-Benutzer</translation>
    </message>
    <message>
      <source>the role</source>
      <translation>die Rolle</translation>
    </message>
  </context>
  <context>
    <name>practice_launch</name>
    <message>
      <source>Could not start practice mode</source>
      <translation>Der Übungsmodus konnte nicht gestartet werden</translation>
    </message>
    <message>
      <source>Practice mode ended; its practice profiles were deleted with it. Your own profiles are as they were.</source>
      <translation>Der Übungsmodus ist beendet; seine Übungsprofile wurden mit ihm gelöscht. Ihre eigenen Profile sind unverändert.</translation>
    </message>
    <message>
      <source>Practice mode is already open in its own window.</source>
      <translation>Der Übungsmodus ist bereits in einem eigenen Fenster geöffnet.</translation>
    </message>
    <message>
      <source>Practice mode opens in its own window; nothing there reaches AWS. This window comes back when you close it.</source>
      <translation>Der Übungsmodus öffnet sich in einem eigenen Fenster; von dort erreicht nichts AWS. Dieses Fenster kommt zurück, wenn Sie ihn schließen.</translation>
    </message>
  </context>
  <context>
    <name>practice_panel</name>
    <message>
      <source>A role that does not trust you</source>
      <translation>Eine Rolle, die Ihnen nicht vertraut</translation>
    </message>
    <message>
      <source>A wrong External ID</source>
      <translation>Eine falsche Externe ID</translation>
    </message>
    <message>
      <source>A wrong MFA code</source>
      <translation>Ein falscher MFA-Code</translation>
    </message>
    <message>
      <source>A wrong secret key</source>
      <translation>Ein falscher geheimer Schlüssel</translation>
    </message>
    <message>
      <source>AWS accepts only the code the device shows now, and each code once: wait for the next code and enter it.</source>
      <translation>AWS nimmt nur den Code an, den das Gerät gerade anzeigt, und jeden Code nur einmal: Warten Sie auf den nächsten Code und geben Sie ihn ein.</translation>
    </message>
    <message>
      <source>AWS knows the access key ID but the signature made with the secret does not match: the secret was mistyped or belongs to another key.</source>
      <translation>AWS kennt die Zugriffsschlüssel-ID, aber die mit dem geheimen Schlüssel erstellte Signatur passt nicht: Der geheime Schlüssel wurde falsch eingegeben oder gehört zu einem anderen Schlüssel.</translation>
    </message>
    <message>
      <source>Access key ID</source>
      <translation>Zugriffsschlüssel-ID</translation>
    </message>
    <message>
      <source>An expired session token</source>
      <translation>Ein abgelaufenes Sitzungstoken</translation>
    </message>
    <message>
      <source>Bucket (S3)</source>
      <translation>Bucket (S3)</translation>
    </message>
    <message>
      <source>Copied</source>
      <translation>Kopiert</translation>
    </message>
    <message>
      <source>Copy</source>
      <translation>Kopieren</translation>
    </message>
    <message>
      <source>Copy the {0} to the clipboard, to paste it into the wizard</source>
      <translation>{0} in die Zwischenablage kopieren, um es in den Assistenten einzufügen</translation>
    </message>
    <message>
      <source>Copy {label}</source>
      <translation>{label} kopieren</translation>
    </message>
    <message>
      <source>Could not start practice mode</source>
      <translation>Der Übungsmodus konnte nicht gestartet werden</translation>
    </message>
    <message>
      <source>Each one shows a diagnosis on the test page once, so you recognise it later.</source>
      <translation>Jeder zeigt einmal eine Diagnose auf der Testseite, damit Sie sie später wiedererkennen.</translation>
    </message>
    <message>
      <source>Every call goes to a local emulator on 127.0.0.1. Practice profiles are kept apart and never exported.</source>
      <translation>Jeder Aufruf geht an einen lokalen Emulator auf 127.0.0.1. Übungsprofile werden getrennt gehalten und nie exportiert.</translation>
    </message>
    <message>
      <source>Expired temporary key ID</source>
      <translation>Abgelaufene temporäre Schlüssel-ID</translation>
    </message>
    <message>
      <source>External ID (cross-account)</source>
      <translation>Externe ID (kontoübergreifend)</translation>
    </message>
    <message>
      <source>For IAM Identity Center: the browser shows a local approval page; press Approve.</source>
      <translation>Für IAM Identity Center: Der Browser zeigt eine lokale Freigabeseite; klicken Sie auf „Approve“.</translation>
    </message>
    <message>
      <source>Its expired session token</source>
      <translation>Ihr abgelaufenes Sitzungstoken</translation>
    </message>
    <message>
      <source>Its secret access key</source>
      <translation>Ihr geheimer Zugriffsschlüssel</translation>
    </message>
    <message>
      <source>MFA code now (the virtual device)</source>
      <translation>MFA-Code jetzt (das virtuelle Gerät)</translation>
    </message>
    <message>
      <source>MFA device (practice user)</source>
      <translation>MFA-Gerät (Übungsbenutzer)</translation>
    </message>
    <message>
      <source>Mistakes to try</source>
      <translation>Fehler zum Ausprobieren</translation>
    </message>
    <message>
      <source>No MFA code</source>
      <translation>Kein MFA-Code</translation>
    </message>
    <message>
      <source>Not offered by this emulator version.</source>
      <translation>In dieser Emulator-Version nicht verfügbar.</translation>
    </message>
    <message>
      <source>Pick “{method}”, paste the MFA user's access key ID and secret (below), and leave the MFA device empty.</source>
      <translation>Wählen Sie „{method}“, fügen Sie Zugriffsschlüssel-ID und geheimen Schlüssel des MFA-Benutzers (unten) ein und lassen Sie das MFA-Gerät leer.</translation>
    </message>
    <message>
      <source>Pick “{method}”, paste the expired temporary key ID, its secret and its session token, and the role name.</source>
      <translation>Wählen Sie „{method}“ und fügen Sie die abgelaufene temporäre Schlüssel-ID, ihren geheimen Schlüssel und ihr Sitzungstoken sowie den Rollennamen ein.</translation>
    </message>
    <message>
      <source>Pick “{method}”, paste the practice access key ID, and type a secret key that is not the practice one (the panel offers one).</source>
      <translation>Wählen Sie „{method}“, fügen Sie die Übungs-Zugriffsschlüssel-ID ein und geben Sie einen geheimen Schlüssel ein, der nicht der Übungsschlüssel ist (das Panel bietet einen an).</translation>
    </message>
    <message>
      <source>Pick “{method}”, paste the practice keys and the practice MFA device, and when the test asks for the code, type one other than the current code shown above.</source>
      <translation>Wählen Sie „{method}“, fügen Sie die Übungsschlüssel und das Übungs-MFA-Gerät ein und geben Sie, wenn der Test nach dem Code fragt, einen anderen als den oben gezeigten aktuellen Code ein.</translation>
    </message>
    <message>
      <source>Pick “{method}”, paste the practice keys, and as the role the one whose trust policy names another account.</source>
      <translation>Wählen Sie „{method}“, fügen Sie die Übungsschlüssel ein und als Rolle diejenige, deren Vertrauensrichtlinie ein anderes Konto nennt.</translation>
    </message>
    <message>
      <source>Pick “{method}”, paste the role ARN, and an External ID other than the practice one.</source>
      <translation>Wählen Sie „{method}“, fügen Sie den Rollen-ARN ein und eine andere External ID als die der Übung.</translation>
    </message>
    <message>
      <source>Practice mode</source>
      <translation>Übungsmodus</translation>
    </message>
    <message>
      <source>Practice mode — nothing reaches AWS</source>
      <translation>Übungsmodus – nichts erreicht AWS</translation>
    </message>
    <message>
      <source>Practice values</source>
      <translation>Übungswerte</translation>
    </message>
    <message>
      <source>Ready. Every call goes to a local emulator on 127.0.0.1. Practice profiles are kept apart and never exported.</source>
      <translation>Bereit. Jeder Aufruf geht an einen lokalen Emulator auf 127.0.0.1. Übungsprofile werden getrennt gehalten und nie exportiert.</translation>
    </message>
    <message>
      <source>Region</source>
      <translation>Region</translation>
    </message>
    <message>
      <source>Role ARN (cross-account)</source>
      <translation>Rollen-ARN (kontoübergreifend)</translation>
    </message>
    <message>
      <source>Role name (assume role)</source>
      <translation>Rollenname (Rolle übernehmen)</translation>
    </message>
    <message>
      <source>Role that demands MFA</source>
      <translation>Rolle, die MFA verlangt</translation>
    </message>
    <message>
      <source>SSO login</source>
      <translation>SSO-Anmeldung</translation>
    </message>
    <message>
      <source>SSO region</source>
      <translation>SSO-Region</translation>
    </message>
    <message>
      <source>Secret access key</source>
      <translation>Geheimer Zugriffsschlüssel</translation>
    </message>
    <message>
      <source>Start URL</source>
      <translation>Start-URL</translation>
    </message>
    <message>
      <source>Starting practice mode on 127.0.0.1…</source>
      <translation>Der Übungsmodus auf 127.0.0.1 wird gestartet …</translation>
    </message>
    <message>
      <source>Starting the local emulator on 127.0.0.1…</source>
      <translation>Der lokale Emulator auf 127.0.0.1 wird gestartet …</translation>
    </message>
    <message>
      <source>Starting the local emulators on 127.0.0.1… New and Test work once they are ready (a few seconds).</source>
      <translation>Die lokalen Emulatoren auf 127.0.0.1 starten… Neu und Testen funktionieren, sobald sie bereit sind (einige Sekunden).</translation>
    </message>
    <message>
      <source>Temporary keys stop working when their session token expires: get new ones (Renew token in the manager).</source>
      <translation>Temporäre Schlüssel funktionieren nicht mehr, wenn ihr Sitzungstoken abläuft: Holen Sie neue („Token erneuern“ in der Profilverwaltung).</translation>
    </message>
    <message>
      <source>The MFA user's access key ID</source>
      <translation>Die Zugriffsschlüssel-ID des MFA-Benutzers</translation>
    </message>
    <message>
      <source>The keys are fine, but the role's trust policy does not name their user, so AssumeRole is refused: the role's owner must add the principal (the wizard shows the trust policy to install).</source>
      <translation>Die Schlüssel sind in Ordnung, aber die Vertrauensrichtlinie der Rolle nennt ihren Benutzer nicht, daher wird AssumeRole abgelehnt: Der Besitzer der Rolle muss den Principal hinzufügen (der Assistent zeigt die zu installierende Vertrauensrichtlinie).</translation>
    </message>
    <message>
      <source>The local emulator's practice user, roles and bucket. Copy, then paste into the wizard's fields.</source>
      <translation>Übungsbenutzer, Rollen und Bucket des lokalen Emulators. Kopieren und dann in die Felder des Assistenten einfügen.</translation>
    </message>
    <message>
      <source>The local emulators could not start; the message says why. Nothing reaches AWS.</source>
      <translation>Die lokalen Emulatoren konnten nicht starten; die Meldung nennt den Grund. Nichts erreicht AWS.</translation>
    </message>
    <message>
      <source>The role's trust policy demands its External ID: AssumeRole is refused. The diagnosis lists all three causes and offers the trust policy to install.</source>
      <translation>Die Vertrauensrichtlinie der Rolle verlangt ihre External ID: AssumeRole wird abgelehnt. Die Diagnose nennt alle drei Ursachen und bietet die zu installierende Vertrauensrichtlinie an.</translation>
    </message>
    <message>
      <source>This user is denied everything until it signs in with MFA: add the MFA device to the profile, and the test asks for the six-digit code.</source>
      <translation>Diesem Benutzer wird alles verweigert, bis er sich mit MFA anmeldet: Tragen Sie das MFA-Gerät im Profil ein, dann fragt der Test nach dem sechsstelligen Code.</translation>
    </message>
    <message>
      <source>Values to paste</source>
      <translation>Werte zum Einfügen</translation>
    </message>
    <message>
      <source>What practice mode offers: its profiles, ready-made mistakes to try, and the values to type.</source>
      <translation>Was der Übungsmodus bietet: seine Profile, vorbereitete Fehler zum Ausprobieren und die einzugebenden Werte.</translation>
    </message>
  </context>
  <context>
    <name>probes</name>
    <message>
      <source>Converse with the model (1 output token; may cost a fraction of a cent)</source>
      <translation>Converse mit dem Modell (1 Ausgabe-Token; kann Bruchteile eines Cents kosten)</translation>
    </message>
    <message>
      <source>Credentials and endpoint reach only — no model called</source>
      <translation>Nur Anmeldedaten und Erreichbarkeit des Endpunkts – kein Modell aufgerufen</translation>
    </message>
    <message>
      <source>DescribeInstances (dry run)</source>
      <translation>DescribeInstances (Probelauf)</translation>
    </message>
    <message>
      <source>DescribeWorkspaces (1 result)</source>
      <translation>DescribeWorkspaces (1 Ergebnis)</translation>
    </message>
    <message>
      <source>ListObjectsV2 (1 key) on the bucket</source>
      <translation>ListObjectsV2 (1 Schlüssel) auf dem Bucket</translation>
    </message>
  </context>
  <context>
    <name>profile_actions</name>
    <message>
      <source> Its secrets are removed from {backend} too.</source>
      <translation> Seine Geheimnisse werden auch aus {backend} entfernt.</translation>
    </message>
    <message>
      <source> These connections assume their role with its keys and will stop working: {0}.</source>
      <translation> Diese Verbindungen übernehmen ihre Rolle mit seinen Schlüsseln und werden nicht mehr funktionieren: {0}.</translation>
    </message>
    <message>
      <source>Could not delete the profile</source>
      <translation>Das Profil konnte nicht gelöscht werden</translation>
    </message>
    <message>
      <source>Could not duplicate the profile</source>
      <translation>Das Profil konnte nicht dupliziert werden</translation>
    </message>
    <message>
      <source>Could not rename the profile</source>
      <translation>Das Profil konnte nicht umbenannt werden</translation>
    </message>
    <message>
      <source>Could not store the session token</source>
      <translation>Das Sitzungstoken konnte nicht gespeichert werden</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Löschen</translation>
    </message>
    <message>
      <source>Delete profile</source>
      <translation>Profil löschen</translation>
    </message>
    <message>
      <source>Delete the profile “{name}”?</source>
      <translation>Das Profil „{name}“ löschen?</translation>
    </message>
    <message>
      <source>Deleted {name}.</source>
      <translation>{name} gelöscht.</translation>
    </message>
    <message>
      <source>Deleting {name}…</source>
      <translation>{name} wird gelöscht …</translation>
    </message>
    <message>
      <source>Duplicate profile</source>
      <translation>Profil duplizieren</translation>
    </message>
    <message>
      <source>Duplicating {name}…</source>
      <translation>{name} wird dupliziert …</translation>
    </message>
    <message>
      <source>Name of the copy:</source>
      <translation>Name der Kopie:</translation>
    </message>
    <message>
      <source>New name:</source>
      <translation>Neuer Name:</translation>
    </message>
    <message>
      <source>New session token stored for {name}. Press Test (F5) to check it.</source>
      <translation>Neues Sitzungstoken für {name} gespeichert. Drücken Sie „Testen“ (F5), um es zu prüfen.</translation>
    </message>
    <message>
      <source>Rename profile</source>
      <translation>Profil umbenennen</translation>
    </message>
    <message>
      <source>Renaming {name}…</source>
      <translation>{name} wird umbenannt …</translation>
    </message>
    <message>
      <source>Storing the new session token of {name}…</source>
      <translation>Das neue Sitzungstoken von {name} wird gespeichert …</translation>
    </message>
  </context>
  <context>
    <name>profile_details</name>
    <message>
      <source>&amp;Details</source>
      <translation>&amp;Details</translation>
    </message>
    <message>
      <source>&amp;Details of </source>
      <translation>&amp;Details zu </translation>
    </message>
    <message>
      <source>Last &amp;report</source>
      <translation>Letzter &amp;Bericht</translation>
    </message>
    <message>
      <source>Last test report</source>
      <translation>Letzter Testbericht</translation>
    </message>
    <message>
      <source>Last test: {0}. Its full report was not kept (saved by an older version): press Test (F5) for a new one.</source>
      <translation>Letzter Test: {0}. Der vollständige Bericht wurde nicht aufbewahrt (von einer älteren Version gespeichert): Drücken Sie „Testen“ (F5) für einen neuen.</translation>
    </message>
    <message>
      <source>No test in this window yet: select a profile and press Test (F5) to watch its steps here.</source>
      <translation>In diesem Fenster lief noch kein Test: Wählen Sie ein Profil und drücken Sie „Testen“ (F5), um die Schritte hier zu verfolgen.</translation>
    </message>
    <message>
      <source>No test report yet: press Test (F5).</source>
      <translation>Noch kein Testbericht: Drücken Sie „Testen“ (F5).</translation>
    </message>
    <message>
      <source>Profile settings</source>
      <translation>Profileinstellungen</translation>
    </message>
    <message>
      <source>Select a profile to see its settings.</source>
      <translation>Wählen Sie ein Profil, um seine Einstellungen zu sehen.</translation>
    </message>
    <message>
      <source>Selected profile</source>
      <translation>Ausgewähltes Profil</translation>
    </message>
    <message>
      <source>Te&amp;st</source>
      <translation>&amp;Test</translation>
    </message>
    <message>
      <source>The text of the profile's last test, without secrets.</source>
      <translation>Der Text des letzten Tests dieses Profils, ohne Geheimnisse.</translation>
    </message>
    <message>
      <source>the OS keychain</source>
      <translation>dem Schlüsselbund des Systems</translation>
    </message>
    <message>
      <source>the OS keychain (not available at the moment)</source>
      <translation>dem Schlüsselbund des Systems (derzeit nicht verfügbar)</translation>
    </message>
  </context>
  <context>
    <name>profile_service</name>
    <message>
      <source>a session token is required</source>
      <translation>ein Sitzungstoken wird gebraucht</translation>
    </message>
    <message>
      <source>profile {name} holds no session token: there is nothing to renew</source>
      <translation>Profil {name} hat kein Sitzungstoken: es gibt nichts zu erneuern</translation>
    </message>
    <message>
      <source>profile {name} is the source of {dependents}: they assume their role with its keys and would stop working. Delete or edit them first, or delete anyway (--force).</source>
      <translation>Profil {name} ist die Quelle von {dependents}: sie übernehmen ihre Rolle mit seinen Schlüsseln und würden dann nicht mehr funktionieren. Löschen oder bearbeiten Sie sie zuerst, oder löschen Sie trotzdem (--force).</translation>
    </message>
  </context>
  <context>
    <name>profile_store</name>
    <message>
      <source>1-64 characters: letters, digits and . _ @ + - (starting with a letter or digit)</source>
      <translation>1–64 Zeichen: Buchstaben, Ziffern und . _ @ + - (beginnend mit einem Buchstaben oder einer Ziffer)</translation>
    </message>
    <message>
      <source>A profile named {name} already exists.</source>
      <translation>Ein Profil namens {name} gibt es bereits.</translation>
    </message>
    <message>
      <source>A profile with id {id} already exists.</source>
      <translation>Ein Profil mit der ID {id} gibt es bereits.</translation>
    </message>
    <message>
      <source>Another program holds the lock on {path} (waited {seconds} s).</source>
      <translation>Ein anderes Programm hält die Sperre auf {path} ({seconds} s gewartet).</translation>
    </message>
    <message>
      <source>Cannot create {path}: {problem}</source>
      <translation>{path} kann nicht angelegt werden: {problem}</translation>
    </message>
    <message>
      <source>Cannot read {path}: {problem}</source>
      <translation>{path} kann nicht gelesen werden: {problem}</translation>
    </message>
    <message>
      <source>Cannot write {path}: {problem}</source>
      <translation>{path} kann nicht geschrieben werden: {problem}</translation>
    </message>
    <message>
      <source>Invalid profile name {name}: use {rule}.</source>
      <translation>Ungültiger Profilname {name}: erlaubt sind {rule}.</translation>
    </message>
    <message>
      <source>The previous version is kept in {backup}: to go back to it, close aws-connection-wizard and copy it over the damaged file (cp '{backup}' '{path}').</source>
      <translation>Die vorherige Fassung liegt in {backup}: um zu ihr zurückzukehren, schließen Sie aws-connection-wizard und kopieren Sie sie über die beschädigte Datei (cp '{backup}' '{path}').</translation>
    </message>
    <message>
      <source>The profile file does not hold a JSON object.</source>
      <translation>Die Profildatei enthält kein JSON-Objekt.</translation>
    </message>
    <message>
      <source>The profile file has an invalid schema_version {version}.</source>
      <translation>Die Profildatei hat eine ungültige schema_version {version}.</translation>
    </message>
    <message>
      <source>The profile file has schema version {version}, newer than this program knows ({known}); update aws-connection-wizard.</source>
      <translation>Die Profildatei hat die Schema-Version {version}, neuer als dieses Programm kennt ({known}); aktualisieren Sie aws-connection-wizard.</translation>
    </message>
    <message>
      <source>The profile file {path} is damaged: {problem} Nothing was changed. {advice}</source>
      <translation>Die Profildatei {path} ist beschädigt: {problem} Nichts wurde geändert. {advice}</translation>
    </message>
    <message>
      <source>The profile file {path} is damaged: {problem}. Nothing was changed. {advice}</source>
      <translation>Die Profildatei {path} ist beschädigt: {problem}. Nichts wurde geändert. {advice}</translation>
    </message>
    <message>
      <source>The profile {name} was deleted, but its keychain entries could not be removed: {problem}</source>
      <translation>Das Profil {name} wurde gelöscht, aber seine Schlüsselbund-Einträge konnten nicht entfernt werden: {problem}</translation>
    </message>
    <message>
      <source>There is no backup (profiles.json.bak) to go back to.</source>
      <translation>Es gibt keine Sicherungskopie (profiles.json.bak), zu der zurückgekehrt werden kann.</translation>
    </message>
    <message>
      <source>a profile</source>
      <translation>ein Profil</translation>
    </message>
    <message>
      <source>a profile is a {kind}, not an object</source>
      <translation>ein Profil ist ein {kind}, kein Objekt</translation>
    </message>
    <message>
      <source>it holds a number too long to read</source>
      <translation>sie enthält eine Zahl, die zu lang zum Lesen ist</translation>
    </message>
    <message>
      <source>it is not UTF-8 text</source>
      <translation>sie ist kein UTF-8-Text</translation>
    </message>
    <message>
      <source>it is not valid JSON ({problem})</source>
      <translation>sie ist kein gültiges JSON ({problem})</translation>
    </message>
    <message>
      <source>it is {size} bytes long</source>
      <translation>sie ist {size} Bytes lang</translation>
    </message>
    <message>
      <source>it nests brackets too deeply</source>
      <translation>sie verschachtelt Klammern zu tief</translation>
    </message>
    <message>
      <source>its connection</source>
      <translation>seine Verbindung</translation>
    </message>
    <message>
      <source>its network settings</source>
      <translation>seine Netzwerkeinstellungen</translation>
    </message>
    <message>
      <source>its profiles (schema version 0) are not an object</source>
      <translation>ihre Profile (Schema-Version 0) sind kein Objekt</translation>
    </message>
    <message>
      <source>its profiles are not a list</source>
      <translation>ihre Profile sind keine Liste</translation>
    </message>
    <message>
      <source>profile {name}</source>
      <translation>Profil {name}</translation>
    </message>
    <message>
      <source>profile {name} is a {kind}, not an object</source>
      <translation>Profil {name} ist ein {kind}, kein Objekt</translation>
    </message>
    <message>
      <source>the number {number} is too large</source>
      <translation>die Zahl {number} ist zu groß</translation>
    </message>
    <message>
      <source>the profile</source>
      <translation>das Profil</translation>
    </message>
    <message>
      <source>unexpected layout ({kind})</source>
      <translation>unerwarteter Aufbau ({kind})</translation>
    </message>
    <message>
      <source>{name} is not a number JSON allows</source>
      <translation>{name} ist keine Zahl, die JSON erlaubt</translation>
    </message>
    <message>
      <source>{where} has an impossible {key} ({kind})</source>
      <translation>{where} hat einen unmöglichen Wert für {key} ({kind})</translation>
    </message>
    <message>
      <source>{where} has no {key}</source>
      <translation>{where} hat kein {key}</translation>
    </message>
    <message>
      <source>{where}: {what} is not an object</source>
      <translation>{where}: {what} ist kein Objekt</translation>
    </message>
  </context>
  <context>
    <name>profile_table</name>
    <message>
      <source>Expires </source>
      <translation>Läuft ab </translation>
    </message>
    <message>
      <source>Expires at the latest </source>
      <translation>Läuft spätestens ab </translation>
    </message>
    <message>
      <source>Last tested </source>
      <translation>Zuletzt getestet </translation>
    </message>
    <message>
      <source>Method</source>
      <translation>Methode</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>Region</source>
      <translation>Region</translation>
    </message>
    <message>
      <source>Saved profiles</source>
      <translation>Gespeicherte Profile</translation>
    </message>
    <message>
      <source>Service</source>
      <translation>Dienst</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Token time left</source>
      <translation>Token-Restzeit</translation>
    </message>
  </context>
  <context>
    <name>profiles</name>
    <message>
      <source> (practice)</source>
      <translation> (Übung)</translation>
    </message>
    <message>
      <source> (secrets in {0})</source>
      <translation> (Geheimnisse in {0})</translation>
    </message>
    <message>
      <source>--timeout must be positive</source>
      <translation>--timeout muss positiv sein</translation>
    </message>
    <message>
      <source>A profile that cross-account profiles assume their role with (their source is profile:NAME) is kept, and the command exits 2 naming them, unless --force is given.</source>
      <translation>Ein Profil, mit dem kontoübergreifende Profile ihre Rolle übernehmen (ihre Quelle ist profile:NAME), bleibt erhalten, und der Befehl endet mit 2 und nennt sie, außer mit --force.</translation>
    </message>
    <message>
      <source>Backed up {path} to {backup}</source>
      <translation>{path} gesichert als {backup}</translation>
    </message>
    <message>
      <source>Delete a profile and its keychain entries.</source>
      <translation>Ein Profil und seine Schlüsselbund-Einträge löschen.</translation>
    </message>
    <message>
      <source>Id</source>
      <translation>ID</translation>
    </message>
    <message>
      <source>Import profiles from the AWS shared config and credentials files.</source>
      <translation>Profile aus den gemeinsamen AWS-Dateien config und credentials importieren.</translation>
    </message>
    <message>
      <source>Its secrets stay in the keychain under the profile's id; cross-account profiles whose source is profile:OLD are repointed to profile:NEW.</source>
      <translation>Seine Geheimnisse bleiben unter der ID des Profils im Schlüsselbund; kontoübergreifende Profile mit der Quelle profile:ALT werden auf profile:NEU umgestellt.</translation>
    </message>
    <message>
      <source>LAST TEST</source>
      <translation>LETZTER TEST</translation>
    </message>
    <message>
      <source>Last test</source>
      <translation>Letzter Test</translation>
    </message>
    <message>
      <source>List the saved profiles (never a secret).</source>
      <translation>Die gespeicherten Profile auflisten (nie ein Geheimnis).</translation>
    </message>
    <message>
      <source>Log in with: aws sso login --profile {name}. The AWS CLI then keeps its own IAM Identity Center tokens in a cache on disk (~/.aws/sso/cache), outside the keychain; this program's login is not shared with it.</source>
      <translation>Anmelden mit: aws sso login --profile {name}. Die AWS CLI legt ihre eigenen IAM-Identity-Center-Tokens dann in einem Cache auf der Festplatte ab (~/.aws/sso/cache), außerhalb des Schlüsselbunds; die Anmeldung dieses Programms wird nicht mit ihr geteilt.</translation>
    </message>
    <message>
      <source>METHOD</source>
      <translation>METHODE</translation>
    </message>
    <message>
      <source>NAME</source>
      <translation>NAME</translation>
    </message>
    <message>
      <source>No practice profiles now. </source>
      <translation>Zurzeit keine Übungsprofile. </translation>
    </message>
    <message>
      <source>No profiles found in {config} or {credentials}.</source>
      <translation>Keine Profile in {config} oder {credentials} gefunden.</translation>
    </message>
    <message>
      <source>No profiles yet. Create one with the wizard, or: aws-connection-wizard add NAME --method ...</source>
      <translation>Noch keine Profile. Legen Sie eines mit dem Assistenten an oder mit: aws-connection-wizard add NAME --method ...</translation>
    </message>
    <message>
      <source>Practice</source>
      <translation>Übung</translation>
    </message>
    <message>
      <source>Practice profiles exist only while the practice window is open (aws-connection-wizard --practice), in {home}; they are deleted when practice mode ends.</source>
      <translation>Übungsprofile gibt es nur, solange das Übungsfenster offen ist (aws-connection-wizard --practice), in {home}; sie werden gelöscht, wenn der Übungsmodus endet.</translation>
    </message>
    <message>
      <source>Print the profile's credentials as credential_process JSON (called by the AWS CLI and SDKs).</source>
      <translation>Die Anmeldedaten des Profils als credential_process-JSON ausgeben (von der AWS CLI und den SDKs aufgerufen).</translation>
    </message>
    <message>
      <source>Profile</source>
      <translation>Profil</translation>
    </message>
    <message>
      <source>REGION</source>
      <translation>REGION</translation>
    </message>
    <message>
      <source>Removed profile {name} and its keychain entries.</source>
      <translation>Profil {name} und seine Schlüsselbund-Einträge entfernt.</translation>
    </message>
    <message>
      <source>Removed the IAM Identity Center login's tokens (no other profile uses that login).</source>
      <translation>Die Tokens der IAM-Identity-Center-Anmeldung wurden entfernt (kein anderes Profil nutzt diese Anmeldung).</translation>
    </message>
    <message>
      <source>Rename a profile.</source>
      <translation>Ein Profil umbenennen.</translation>
    </message>
    <message>
      <source>Renamed profile {old} to {new} (its keychain entries and its cross-account users follow).</source>
      <translation>Profil {old} in {new} umbenannt (seine Schlüsselbund-Einträge und seine kontoübergreifenden Nutzer folgen).</translation>
    </message>
    <message>
      <source>SERVICE</source>
      <translation>DIENST</translation>
    </message>
    <message>
      <source>Save a new profile (untested).</source>
      <translation>Ein neues Profil speichern (ungetestet).</translation>
    </message>
    <message>
      <source>Saved profile {name}, untested{where}. Test it with: aws-connection-wizard test {name}</source>
      <translation>Profil {name} ungetestet gespeichert{where}. Testen mit: aws-connection-wizard test {name}</translation>
    </message>
    <message>
      <source>Secrets are read from standard input, one per line (secret access key, then the optional session token; then, with --proxy-user, the proxy's password), or prompted for without echo; never from arguments.</source>
      <translation>Geheimnisse werden von der Standardeingabe gelesen, eines pro Zeile (geheimer Zugriffsschlüssel, dann das optionale Sitzungstoken; dann, mit --proxy-user, das Passwort des Proxys), oder ohne Echo abgefragt; nie aus Argumenten.</translation>
    </message>
    <message>
      <source>Show one profile's settings (never a secret).</source>
      <translation>Die Einstellungen eines Profils anzeigen (nie ein Geheimnis).</translation>
    </message>
    <message>
      <source>TOKEN</source>
      <translation>TOKEN</translation>
    </message>
    <message>
      <source>Test a saved profile (exit 0 ok, 1 failed).</source>
      <translation>Ein gespeichertes Profil testen (Exit 0 in Ordnung, 1 fehlgeschlagen).</translation>
    </message>
    <message>
      <source>The secret stays in the keychain. Nothing else in the file changes; a backup is written first.</source>
      <translation>Das Geheimnis bleibt im Schlüsselbund. Sonst ändert sich nichts in der Datei; vorher wird eine Sicherung geschrieben.</translation>
    </message>
    <message>
      <source>Time left</source>
      <translation>Restzeit</translation>
    </message>
    <message>
      <source>Use it with: aws sts get-caller-identity --profile {name}</source>
      <translation>Verwenden mit: aws sts get-caller-identity --profile {name}</translation>
    </message>
    <message>
      <source>Write the profile into the AWS config file for the AWS CLI and SDKs.</source>
      <translation>Das Profil für die AWS CLI und die SDKs in die AWS-Konfigurationsdatei schreiben.</translation>
    </message>
    <message>
      <source>Wrote [{sections}] into {path} as {kind}.</source>
      <translation>[{sections}] nach {path} geschrieben als {kind}.</translation>
    </message>
    <message>
      <source>a profile named {name!r} already exists</source>
      <translation>ein Profil namens {name!r} gibt es bereits</translation>
    </message>
    <message>
      <source>cannot read the AWS files: {exc}</source>
      <translation>die AWS-Dateien sind nicht lesbar: {exc}</translation>
    </message>
    <message>
      <source>config file (default: $AWS_CONFIG_FILE or ~/.aws/config)</source>
      <translation>Konfigurationsdatei (Standard: $AWS_CONFIG_FILE oder ~/.aws/config)</translation>
    </message>
    <message>
      <source>credential-process {name} called itself (its source resolves back to it)</source>
      <translation>credential-process {name} hat sich selbst aufgerufen (seine Quelle führt auf es zurück)</translation>
    </message>
    <message>
      <source>credentials file (default: $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)</source>
      <translation>Datei mit Anmeldedaten (Standard: $AWS_SHARED_CREDENTIALS_FILE oder ~/.aws/credentials)</translation>
    </message>
    <message>
      <source>delete even when cross-account profiles use it as their source (they then fail to test until their source is changed)</source>
      <translation>auch löschen, wenn kontoübergreifende Profile es als Quelle nutzen (deren Test schlägt dann fehl, bis ihre Quelle geändert ist)</translation>
    </message>
    <message>
      <source>each section imported or skipped (and why) as JSON</source>
      <translation>jeden importierten oder übersprungenen Abschnitt (und warum) als JSON</translation>
    </message>
    <message>
      <source>give up after S seconds</source>
      <translation>nach S Sekunden aufgeben</translation>
    </message>
    <message>
      <source>imported  {name}  ({method}, untested)</source>
      <translation>importiert     {name}  ({method}, ungetestet)</translation>
    </message>
    <message>
      <source>machine-readable output</source>
      <translation>maschinenlesbare Ausgabe</translation>
    </message>
    <message>
      <source>never</source>
      <translation>nie</translation>
    </message>
    <message>
      <source>no practice profile named {name!r}. {where}</source>
      <translation>kein Übungsprofil namens {name!r}. {where}</translation>
    </message>
    <message>
      <source>no profile named {name!r} (see: aws-connection-wizard list)</source>
      <translation>kein Profil namens {name!r} (siehe: aws-connection-wizard list)</translation>
    </message>
    <message>
      <source>no profile named {name!r} (see: aws-connection-wizard list). {where} See them with: aws-connection-wizard --practice list</source>
      <translation>kein Profil namens {name!r} (siehe: aws-connection-wizard list). {where} Anzeigen mit: aws-connection-wizard --practice list</translation>
    </message>
    <message>
      <source>no such file: {path}</source>
      <translation>Datei nicht gefunden: {path}</translation>
    </message>
    <message>
      <source>print the profile's own access key instead of assuming its role</source>
      <translation>den eigenen Zugriffsschlüssel des Profils ausgeben, statt seine Rolle zu übernehmen</translation>
    </message>
    <message>
      <source>process (default): credential_process, which runs this program; sdk: role_arn + source_profile so the SDK assumes the role itself (the AWS CLI then caches the role's temporary credentials in ~/.aws/cli/cache)</source>
      <translation>process (Standard): credential_process, das dieses Programm ausführt; sdk: role_arn + source_profile, sodass das SDK die Rolle selbst übernimmt (die AWS CLI speichert die temporären Anmeldedaten der Rolle dann in ~/.aws/cli/cache zwischen)</translation>
    </message>
    <message>
      <source>profile name in the AWS config file</source>
      <translation>Profilname in der AWS-Konfigurationsdatei</translation>
    </message>
    <message>
      <source>replace a section of that name not written by this program</source>
      <translation>einen gleichnamigen Abschnitt ersetzen, der nicht von diesem Programm stammt</translation>
    </message>
    <message>
      <source>role_arn + source_profile (the SDK assumes the role)</source>
      <translation>role_arn + source_profile (das SDK übernimmt die Rolle)</translation>
    </message>
    <message>
      <source>skipped   {name}  ({reason})</source>
      <translation>übersprungen  {name}  ({reason})</translation>
    </message>
    <message>
      <source>sso-session + sso_account_id/sso_role_name (the AWS CLI logs in itself)</source>
      <translation>sso-session + sso_account_id/sso_role_name (die AWS CLI meldet sich selbst an)</translation>
    </message>
    <message>
      <source>steps and diagnosis codes as JSON</source>
      <translation>Schritte und Diagnosecodes als JSON</translation>
    </message>
    <message>
      <source>the MFA session of {name!r} has expired (or was never started): run {command} and enter a code, then try again</source>
      <translation>die MFA-Sitzung von {name!r} ist abgelaufen (oder wurde nie begonnen): führen Sie {command} aus, geben Sie einen Code ein und versuchen Sie es dann erneut</translation>
    </message>
    <message>
      <source>the OS keychain (never shown)</source>
      <translation>dem Schlüsselbund des Systems (nie angezeigt)</translation>
    </message>
    <message>
      <source>the result was not recorded: {exc}</source>
      <translation>das Ergebnis wurde nicht gespeichert: {exc}</translation>
    </message>
    <message>
      <source>the session token of {name!r} was entered {0} and has expired (at most 12 h); renew it in the profile manager</source>
      <translation>das Sitzungstoken von {name!r} wurde {0} eingegeben und ist abgelaufen (höchstens 12 h); erneuern Sie es in der Profilverwaltung</translation>
    </message>
    <message>
      <source>the test did not finish within {seconds:g} s</source>
      <translation>der Test wurde nicht innerhalb von {seconds:g} s fertig</translation>
    </message>
    <message>
      <source>untested</source>
      <translation>ungetestet</translation>
    </message>
    <message>
      <source>when the profile's MFA session has expired: gui asks for a code in a small window (only with a display); none (the default) exits 1 naming: aws-connection-wizard renew NAME</source>
      <translation>wenn die MFA-Sitzung des Profils abgelaufen ist: gui fragt in einem kleinen Fenster nach einem Code (nur mit Bildschirm); none (Standard) endet mit 1 und nennt: aws-connection-wizard renew NAME</translation>
    </message>
    <message>
      <source>yes (local emulator only; never exported)</source>
      <translation>ja (nur lokaler Emulator; nie exportiert)</translation>
    </message>
    <message>
      <source>{name!r} is a practice profile: aws-connection-wizard --practice show {name}. {where}</source>
      <translation>{name!r} ist ein Übungsprofil: aws-connection-wizard --practice show {name}. {where}</translation>
    </message>
    <message>
      <source>{names} assumed their role with its keys and will fail until their source is changed (aws-connection-wizard show NAME)</source>
      <translation>{names} haben ihre Rolle mit seinen Schlüsseln übernommen und schlagen fehl, bis ihre Quelle geändert ist (aws-connection-wizard show NAME)</translation>
    </message>
  </context>
  <context>
    <name>region_page</name>
    <message>
      <source>AWS Regions by partition</source>
      <translation>AWS-Regionen nach Partition</translation>
    </message>
    <message>
      <source>Availability of {0}</source>
      <translation>Verfügbarkeit von {0}</translation>
    </message>
    <message>
      <source>Region</source>
      <translation>Region</translation>
    </message>
    <message>
      <source>Regions are grouped by partition; a role's ARN and its region must be in the same partition.</source>
      <translation>Regionen sind nach Partition gruppiert; der ARN einer Rolle und ihre Region müssen in derselben Partition liegen.</translation>
    </message>
    <message>
      <source>Search regions</source>
      <translation>Regionen durchsuchen</translation>
    </message>
    <message>
      <source>Search:</source>
      <translation>Suchen:</translation>
    </message>
    <message>
      <source>Service availability</source>
      <translation>Verfügbarkeit des Dienstes</translation>
    </message>
    <message>
      <source>Which AWS Region?</source>
      <translation>Welche AWS-Region?</translation>
    </message>
    <message>
      <source>a region code or a place, e.g. eu-central-1 or Frankfurt; Down moves into the list</source>
      <translation>ein Regionscode oder ein Ort, z. B. eu-central-1 oder Frankfurt; Pfeil nach unten springt in die Liste</translation>
    </message>
    <message>
      <source>availability unknown</source>
      <translation>Verfügbarkeit unbekannt</translation>
    </message>
    <message>
      <source>none</source>
      <translation>keine</translation>
    </message>
    <message>
      <source>not offered for {0}</source>
      <translation>für {0} nicht angeboten</translation>
    </message>
    <message>
      <source>{region_id} — not in this program's list of regions</source>
      <translation>{region_id} – nicht in der Regionsliste dieses Programms</translation>
    </message>
  </context>
  <context>
    <name>renew</name>
    <message>
      <source> for {name}</source>
      <translation> für {name}</translation>
    </message>
    <message>
      <source>Logged in again for {name}.</source>
      <translation>Erneut angemeldet für {name}.</translation>
    </message>
    <message>
      <source>MFA code{what} (device {device}): </source>
      <translation>MFA-Code{what} (Gerät {device}): </translation>
    </message>
    <message>
      <source>New MFA session for {name}, valid until {when}.</source>
      <translation>Neue MFA-Sitzung für {name}, gültig bis {when}.</translation>
    </message>
    <message>
      <source>Renew a profile's temporary credentials: a new MFA session, or a new session token.</source>
      <translation>Die temporären Anmeldedaten eines Profils erneuern: eine neue MFA-Sitzung oder ein neues Sitzungstoken.</translation>
    </message>
    <message>
      <source>Renewed the session token of {name} (untested: aws-connection-wizard test {name}).</source>
      <translation>Sitzungstoken von {name} erneuert (ungetestet: aws-connection-wizard test {name}).</translation>
    </message>
    <message>
      <source>With an MFA device: the code from --mfa-code or a no-echo prompt. With a session token: the new token (and secret) from standard input or a no-echo prompt.</source>
      <translation>Mit MFA-Gerät: der Code aus --mfa-code oder einer Eingabe ohne Anzeige. Mit Sitzungstoken: das neue Token (und der geheime Schlüssel) von der Standardeingabe oder einer Eingabe ohne Anzeige.</translation>
    </message>
    <message>
      <source>an sso profile: log in with a device code instead of opening a browser</source>
      <translation>ein sso-Profil: mit einem Gerätecode anmelden, statt einen Browser zu öffnen</translation>
    </message>
    <message>
      <source>profile {name!r} holds nothing to renew (no MFA device, no session token)</source>
      <translation>Profil {name!r} hat nichts zu erneuern (kein MFA-Gerät, kein Sitzungstoken)</translation>
    </message>
    <message>
      <source>renewing the MFA session of {name!r} needs a code: --mfa-code CODE (or run it on a terminal to be asked)</source>
      <translation>die MFA-Sitzung von {name!r} zu erneuern braucht einen Code: --mfa-code CODE (oder im Terminal ausführen, um gefragt zu werden)</translation>
    </message>
    <message>
      <source>the IAM Identity Center login of {name!r} did not finish</source>
      <translation>die Anmeldung bei IAM Identity Center für {name!r} wurde nicht abgeschlossen</translation>
    </message>
    <message>
      <source>the six-digit code your MFA device shows now (without it, a terminal asks for it)</source>
      <translation>der sechsstellige Code, den Ihr MFA-Gerät gerade anzeigt (ohne ihn fragt ein Terminal danach)</translation>
    </message>
    <message>
      <source>unknown</source>
      <translation>unbekannt</translation>
    </message>
  </context>
  <context>
    <name>service_page</name>
    <message>
      <source>The connection test proves access to this service without changing anything.</source>
      <translation>Der Verbindungstest weist den Zugriff auf diesen Dienst nach, ohne etwas zu verändern.</translation>
    </message>
    <message>
      <source>The test will run: {probe}.</source>
      <translation>Der Test ruft auf: {probe}.</translation>
    </message>
    <message>
      <source>The test: {default_probe}</source>
      <translation>Der Test: {default_probe}</translation>
    </message>
    <message>
      <source>Which AWS service is this connection for?</source>
      <translation>Für welchen AWS-Dienst ist diese Verbindung?</translation>
    </message>
    <message>
      <source>{label} (optional):</source>
      <translation>{label} (optional):</translation>
    </message>
    <message>
      <source>{service} — not a service this program offers</source>
      <translation>{service} – kein Dienst, den dieses Programm anbietet</translation>
    </message>
  </context>
  <context>
    <name>services</name>
    <message>
      <source>Amazon Bedrock (runtime)</source>
      <translation>Amazon Bedrock (Laufzeit)</translation>
    </message>
    <message>
      <source>Amazon EC2</source>
      <translation>Amazon EC2</translation>
    </message>
    <message>
      <source>Amazon S3</source>
      <translation>Amazon S3</translation>
    </message>
    <message>
      <source>Amazon WorkSpaces</source>
      <translation>Amazon WorkSpaces</translation>
    </message>
    <message>
      <source>Credentials and endpoint reach only: no model is called</source>
      <translation>Nur Anmeldedaten und Erreichbarkeit des Endpunkts: Es wird kein Modell aufgerufen</translation>
    </message>
    <message>
      <source>DescribeInstances as a dry run: proves permission without listing anything (ec2:DescribeInstances)</source>
      <translation>DescribeInstances als Probelauf: weist die Berechtigung nach, ohne etwas aufzulisten (ec2:DescribeInstances)</translation>
    </message>
    <message>
      <source>DescribeWorkspaces, at most 1 result (workspaces:DescribeWorkspaces)</source>
      <translation>DescribeWorkspaces, höchstens 1 Ergebnis (workspaces:DescribeWorkspaces)</translation>
    </message>
    <message>
      <source>Invoke generative AI models (InvokeModel, Converse).</source>
      <translation>Generative KI-Modelle aufrufen (InvokeModel, Converse).</translation>
    </message>
    <message>
      <source>ListBuckets: list the account's buckets (s3:ListAllMyBuckets)</source>
      <translation>ListBuckets: die Buckets des Kontos auflisten (s3:ListAllMyBuckets)</translation>
    </message>
    <message>
      <source>ListObjectsV2 on a named bucket, at most 1 key (s3:ListBucket); for roles limited to one bucket</source>
      <translation>ListObjectsV2 auf einen benannten Bucket, höchstens 1 Schlüssel (s3:ListBucket); für Rollen, die auf einen Bucket beschränkt sind</translation>
    </message>
    <message>
      <source>Manage virtual desktops for users.</source>
      <translation>Virtuelle Desktops für Benutzer verwalten.</translation>
    </message>
    <message>
      <source>Manage virtual servers (instances): list, start, stop.</source>
      <translation>Virtuelle Server (Instanzen) verwalten: auflisten, starten, stoppen.</translation>
    </message>
    <message>
      <source>Opt-in: one smallest request to a named model (bedrock:InvokeModel); may cost a fraction of a cent</source>
      <translation>Nur auf Wunsch: eine kleinstmögliche Anfrage an ein benanntes Modell (bedrock:InvokeModel); kann Bruchteile eines Cents kosten</translation>
    </message>
    <message>
      <source>Store and retrieve files (objects) in buckets.</source>
      <translation>Dateien (Objekte) in Buckets speichern und abrufen.</translation>
    </message>
  </context>
  <context>
    <name>session_countdown</name>
    <message>
      <source>MFA session time left</source>
      <translation>Restzeit der MFA-Sitzung</translation>
    </message>
    <message>
      <source>MFA session: none (a code is needed)</source>
      <translation>MFA-Sitzung: keine (ein Code ist nötig)</translation>
    </message>
    <message>
      <source>MFA session: {0}</source>
      <translation>MFA-Sitzung: {0}</translation>
    </message>
    <message>
      <source>expired</source>
      <translation>abgelaufen</translation>
    </message>
    <message>
      <source>{hours} h {minutes:02d} min left</source>
      <translation>noch {hours} h {minutes:02d} min</translation>
    </message>
    <message>
      <source>{minutes} min {secs:02d} s left</source>
      <translation>noch {minutes} min {secs:02d} s</translation>
    </message>
    <message>
      <source>{secs} s left</source>
      <translation>noch {secs} s</translation>
    </message>
  </context>
  <context>
    <name>source_chooser</name>
    <message>
      <source>EC2 instance role (none attached to this instance)</source>
      <translation>EC2-Instanzrolle (dieser Instanz ist keine angehängt)</translation>
    </message>
    <message>
      <source>EC2 instance role ({role})</source>
      <translation>EC2-Instanzrolle ({role})</translation>
    </message>
    <message>
      <source>Saved profile: {name}</source>
      <translation>Gespeichertes Profil: {name}</translation>
    </message>
    <message>
      <source>The IAM role of this EC2 instance (instance metadata)</source>
      <translation>Die IAM-Rolle dieser EC2-Instanz (Instanz-Metadaten)</translation>
    </message>
    <message>
      <source>This computer's default AWS credentials (environment, ~/.aws, SSO)</source>
      <translation>Die Standard-AWS-Anmeldedaten dieses Computers (Umgebung, ~/.aws, SSO)</translation>
    </message>
  </context>
  <context>
    <name>sso</name>
    <message>
      <source>(or open {url} , which fills in the code)</source>
      <translation>(oder öffnen Sie {url} , das den Code schon einträgt)</translation>
    </message>
    <message>
      <source>Log in to IAM Identity Center for an sso profile.</source>
      <translation>Bei IAM Identity Center für ein sso-Profil anmelden.</translation>
    </message>
    <message>
      <source>Log in to IAM Identity Center for an sso profile: in the browser where there is a display, else with a device code printed here. The tokens are kept in the keychain only.</source>
      <translation>Bei IAM Identity Center für ein sso-Profil anmelden: im Browser, wo es einen Bildschirm gibt, sonst mit einem hier ausgegebenen Gerätecode. Die Tokens liegen nur im Schlüsselbund.</translation>
    </message>
    <message>
      <source>Logged in to IAM Identity Center for {name} (the tokens are in the keychain). Test it with: {program} test {name}</source>
      <translation>Bei IAM Identity Center für {name} angemeldet (die Tokens liegen im Schlüsselbund). Testen Sie es mit: {program} test {name}</translation>
    </message>
    <message>
      <source>Opening the browser to log in to {url} ...</source>
      <translation>Der Browser wird zur Anmeldung bei {url} geöffnet ...</translation>
    </message>
    <message>
      <source>Run: {program} login {name}</source>
      <translation>Führen Sie aus: {program} login {name}</translation>
    </message>
    <message>
      <source>To log in to IAM Identity Center, open this page in a browser (on any device):</source>
      <translation>Zur Anmeldung bei IAM Identity Center öffnen Sie diese Seite in einem Browser (auf einem beliebigen Gerät):</translation>
    </message>
    <message>
      <source>Waiting for the approval... (Ctrl+C cancels)</source>
      <translation>Warten auf die Freigabe... (Strg+C bricht ab)</translation>
    </message>
    <message>
      <source>and enter the code:</source>
      <translation>und geben Sie den Code ein:</translation>
    </message>
    <message>
      <source>give up when not approved within S seconds</source>
      <translation>aufgeben, wenn nicht innerhalb von S Sekunden freigegeben</translation>
    </message>
    <message>
      <source>not logged in to IAM Identity Center for {name!r} (or the session ended); run: {program} login {name}</source>
      <translation>nicht bei IAM Identity Center für {name!r} angemeldet (oder die Sitzung ist beendet); führen Sie aus: {program} login {name}</translation>
    </message>
    <message>
      <source>print a code and a URL to open on any device instead of opening a browser here</source>
      <translation>einen Code und eine URL zum Öffnen auf einem beliebigen Gerät ausgeben, statt hier einen Browser zu öffnen</translation>
    </message>
    <message>
      <source>profile {name!r} does not sign in through IAM Identity Center (method {method})</source>
      <translation>Profil {name!r} meldet sich nicht über IAM Identity Center an (Methode {method})</translation>
    </message>
    <message>
      <source>the login was cancelled</source>
      <translation>die Anmeldung wurde abgebrochen</translation>
    </message>
  </context>
  <context>
    <name>sso_pages</name>
    <message>
      <source>&amp;Cancel the login</source>
      <translation>Anmeldung a&amp;bbrechen</translation>
    </message>
    <message>
      <source>&amp;Log in with the browser</source>
      <translation>Im B&amp;rowser anmelden</translation>
    </message>
    <message>
      <source>&amp;Search:</source>
      <translation>S&amp;uchen:</translation>
    </message>
    <message>
      <source>Account / role</source>
      <translation>Konto / Rolle</translation>
    </message>
    <message>
      <source>Account ID</source>
      <translation>Konto-ID</translation>
    </message>
    <message>
      <source>Accounts and roles</source>
      <translation>Konten und Rollen</translation>
    </message>
    <message>
      <source>Already logged in to this IAM Identity Center (the session is still valid). Next picks the account and role.</source>
      <translation>Bereits bei diesem IAM Identity Center angemeldet (die Sitzung ist noch gültig). „Weiter“ wählt Konto und Rolle.</translation>
    </message>
    <message>
      <source>Checking for an earlier login…</source>
      <translation>Suche nach einer früheren Anmeldung…</translation>
    </message>
    <message>
      <source>Cop&amp;y the code</source>
      <translation>Code &amp;kopieren</translation>
    </message>
    <message>
      <source>Device code</source>
      <translation>Gerätecode</translation>
    </message>
    <message>
      <source>Loading the accounts and roles…</source>
      <translation>Konten und Rollen werden geladen…</translation>
    </message>
    <message>
      <source>Log in to IAM Identity Center</source>
      <translation>Bei IAM Identity Center anmelden</translation>
    </message>
    <message>
      <source>Log in to {start_url} (IAM Identity Center in {region}). The browser opens the access portal; approve there. Where no browser can be used, use a device code. The tokens are kept in the keychain only.</source>
      <translation>Anmeldung bei {start_url} (IAM Identity Center in {region}). Der Browser öffnet das Zugriffsportal; geben Sie die Anmeldung dort frei. Wo kein Browser nutzbar ist, verwenden Sie einen Gerätecode. Die Tokens liegen nur im Schlüsselbund.</translation>
    </message>
    <message>
      <source>Logged in. The tokens are in the keychain; Next picks the account and role.</source>
      <translation>Angemeldet. Die Tokens liegen im Schlüsselbund; „Weiter“ wählt Konto und Rolle.</translation>
    </message>
    <message>
      <source>Login cancelled.</source>
      <translation>Anmeldung abgebrochen.</translation>
    </message>
    <message>
      <source>Not logged in yet: choose how to log in.</source>
      <translation>Noch nicht angemeldet: Wählen Sie, wie Sie sich anmelden.</translation>
    </message>
    <message>
      <source>Open &lt;a href="{link}"&gt;{uri}&lt;/a&gt; in a browser (on any device) and enter this code:</source>
      <translation>Öffnen Sie &lt;a href="{link}"&gt;{uri}&lt;/a&gt; in einem Browser (auf einem beliebigen Gerät) und geben Sie diesen Code ein:</translation>
    </message>
    <message>
      <source>Search accounts and roles</source>
      <translation>Konten und Rollen durchsuchen</translation>
    </message>
    <message>
      <source>Sign in through your organisation's access portal; the wizard then lists the accounts and roles the login allows.</source>
      <translation>Melden Sie sich über das Zugriffsportal Ihrer Organisation an; der Assistent listet dann die Konten und Rollen auf, die die Anmeldung erlaubt.</translation>
    </message>
    <message>
      <source>The accounts and roles your IAM Identity Center login allows. Type to search by account name, account ID or role.</source>
      <translation>Die Konten und Rollen, die Ihre Anmeldung bei IAM Identity Center erlaubt. Tippen Sie, um nach Kontoname, Konto-ID oder Rolle zu suchen.</translation>
    </message>
    <message>
      <source>The browser opens the access portal: approve the login there. Waiting…</source>
      <translation>Der Browser öffnet das Zugriffsportal: Geben Sie die Anmeldung dort frei. Warten…</translation>
    </message>
    <message>
      <source>This login allows no account: ask the IAM Identity Center administrator for an assignment.</source>
      <translation>Diese Anmeldung erlaubt kein Konto: Bitten Sie die Administration von IAM Identity Center um eine Zuweisung.</translation>
    </message>
    <message>
      <source>Use a &amp;device code instead</source>
      <translation>Stattdessen &amp;Gerätecode verwenden</translation>
    </message>
    <message>
      <source>Waiting for the approval in the browser… (Cancel stops waiting)</source>
      <translation>Warten auf die Freigabe im Browser… („Abbrechen“ beendet das Warten)</translation>
    </message>
    <message>
      <source>Waiting for the device code…</source>
      <translation>Warten auf den Gerätecode…</translation>
    </message>
    <message>
      <source>Which account and role?</source>
      <translation>Welches Konto und welche Rolle?</translation>
    </message>
    <message>
      <source>an account name, an account ID or a role</source>
      <translation>ein Kontoname, eine Konto-ID oder eine Rolle</translation>
    </message>
    <message>
      <source>{accounts} accounts, {roles} roles.</source>
      <translation>{accounts} Konten, {roles} Rollen.</translation>
    </message>
    <message>
      <source>{summary} [{code}]. {remedy}</source>
      <translation>{summary} [{code}]. {remedy}</translation>
    </message>
  </context>
  <context>
    <name>step_list</name>
    <message>
      <source>Cancelled</source>
      <translation>Abgebrochen</translation>
    </message>
    <message>
      <source>Denied</source>
      <translation>Verweigert</translation>
    </message>
    <message>
      <source>Failed</source>
      <translation>Fehlgeschlagen</translation>
    </message>
    <message>
      <source>Running…</source>
      <translation>Läuft …</translation>
    </message>
    <message>
      <source>Skipped</source>
      <translation>Übersprungen</translation>
    </message>
    <message>
      <source>Waiting</source>
      <translation>Wartet</translation>
    </message>
    <message>
      <source>{ms:.0f} ms</source>
      <translation>{ms:.0f} ms</translation>
    </message>
  </context>
  <context>
    <name>summary_page</name>
    <message>
      <source>A connection named {name} already exists.</source>
      <translation>Eine Verbindung namens {name} gibt es bereits.</translation>
    </message>
    <message>
      <source>Check the connection and give it a name. Settings go to the profile file; secrets only to the keychain.</source>
      <translation>Prüfen Sie die Verbindung und geben Sie ihr einen Namen. Einstellungen kommen in die Profildatei, Geheimnisse nur in den Schlüsselbund.</translation>
    </message>
    <message>
      <source>Give the connection a name.</source>
      <translation>Geben Sie der Verbindung einen Namen.</translation>
    </message>
    <message>
      <source>Profile name:</source>
      <translation>Profilname:</translation>
    </message>
    <message>
      <source>Summary</source>
      <translation>Zusammenfassung</translation>
    </message>
    <message>
      <source>Test</source>
      <translation>Test</translation>
    </message>
    <message>
      <source>The name you will see in the list of connections.</source>
      <translation>Der Name, unter dem Sie die Verbindung in der Liste sehen.</translation>
    </message>
    <message>
      <source>Use {NAME_RULE}; no spaces.</source>
      <translation>Erlaubt: {NAME_RULE}; keine Leerzeichen.</translation>
    </message>
    <message>
      <source>not tested (will be saved as untested)</source>
      <translation>nicht getestet (wird als ungetestet gespeichert)</translation>
    </message>
  </context>
  <context>
    <name>test_page</name>
    <message>
      <source>For connections entered offline: the profile is saved and marked as not tested.</source>
      <translation>Für offline eingegebene Verbindungen: Das Profil wird gespeichert und als nicht getestet markiert.</translation>
    </message>
    <message>
      <source>Save &amp;without testing</source>
      <translation>Ohne Test s&amp;peichern</translation>
    </message>
    <message>
      <source>Test the connection</source>
      <translation>Verbindung testen</translation>
    </message>
    <message>
      <source>The profile will be saved as not tested. You can test it later.</source>
      <translation>Das Profil wird als nicht getestet gespeichert. Sie können es später testen.</translation>
    </message>
    <message>
      <source>The wizard signs in and makes one harmless call to the service, step by step.</source>
      <translation>Der Assistent meldet sich an und macht Schritt für Schritt einen harmlosen Aufruf an den Dienst.</translation>
    </message>
  </context>
  <context>
    <name>test_view</name>
    <message>
      <source>  (Report copied.)</source>
      <translation>  (Bericht kopiert.)</translation>
    </message>
    <message>
      <source>&amp;Cancel test</source>
      <translation>Test &amp;abbrechen</translation>
    </message>
    <message>
      <source>&amp;Test again</source>
      <translation>&amp;Erneut testen</translation>
    </message>
    <message>
      <source>C&amp;opy report</source>
      <translation>Bericht &amp;kopieren</translation>
    </message>
    <message>
      <source>Copy the test report as plain text; secrets are left out.</source>
      <translation>Den Testbericht als reinen Text kopieren; Geheimnisse bleiben außen vor.</translation>
    </message>
    <message>
      <source>Each step of the connection test with its status; a failed step's diagnosis below it.</source>
      <translation>Jeder Schritt des Verbindungstests mit seinem Status; unter einem fehlgeschlagenen Schritt seine Diagnose.</translation>
    </message>
    <message>
      <source>Show the po&amp;licies</source>
      <translation>&amp;Richtlinien anzeigen</translation>
    </message>
    <message>
      <source>Test cancelled. Press Test again to run it again.</source>
      <translation>Test abgebrochen. Drücken Sie „Erneut testen“, um ihn noch einmal auszuführen.</translation>
    </message>
    <message>
      <source>Test status</source>
      <translation>Teststatus</translation>
    </message>
    <message>
      <source>Test steps</source>
      <translation>Testschritte</translation>
    </message>
    <message>
      <source>Testing the connection…</source>
      <translation>Die Verbindung wird getestet …</translation>
    </message>
    <message>
      <source>The IAM policies this connection needs, ready to copy or save.</source>
      <translation>Die IAM-Richtlinien, die diese Verbindung braucht, bereit zum Kopieren oder Speichern.</translation>
    </message>
    <message>
      <source>The test has not run yet.</source>
      <translation>Der Test ist noch nicht gelaufen.</translation>
    </message>
    <message>
      <source>The test stopped unexpectedly ({__name__}). Press Test again.</source>
      <translation>Der Test wurde unerwartet beendet ({__name__}). Drücken Sie „Erneut testen“.</translation>
    </message>
    <message>
      <source>This connection can't be tested as it is ({__name__}). Check its method and service.</source>
      <translation>Diese Verbindung kann so nicht getestet werden ({__name__}). Prüfen Sie Methode und Dienst.</translation>
    </message>
    <message>
      <source>✓ The connection works: every step passed.</source>
      <translation>✓ Die Verbindung funktioniert: Alle Schritte waren erfolgreich.</translation>
    </message>
    <message>
      <source>✗ The test found a problem.</source>
      <translation>✗ Der Test hat ein Problem gefunden.</translation>
    </message>
    <message>
      <source>✗ The test found a problem: {summary}</source>
      <translation>✗ Der Test hat ein Problem gefunden: {summary}</translation>
    </message>
  </context>
  <context>
    <name>tokens</name>
    <message>
      <source>expired (entered {ago} ago): renew the session token</source>
      <translation>abgelaufen (eingegeben vor {ago}): Sitzungstoken erneuern</translation>
    </message>
    <message>
      <source>expired {duration} ago</source>
      <translation>abgelaufen vor {duration}</translation>
    </message>
    <message>
      <source>expires in {duration}</source>
      <translation>läuft ab in {duration}</translation>
    </message>
    <message>
      <source>up to {left} left (entered {ago} ago)</source>
      <translation>noch bis zu {left} (eingegeben vor {ago})</translation>
    </message>
  </context>
  <context>
    <name>validation</name>
    <message>
      <source>A proxy user name needs the proxy URL too.</source>
      <translation>Ein Proxy-Benutzername braucht auch die Proxy-URL.</translation>
    </message>
    <message>
      <source>A role ARN looks like {example}.</source>
      <translation>Ein Rollen-ARN sieht so aus: {example}.</translation>
    </message>
    <message>
      <source>A secret access key is exactly 40 characters; this has {n}. Copy it again from the .csv file saved when the key was created.</source>
      <translation>Ein geheimer Zugriffsschlüssel hat genau 40 Zeichen; dieser hat {n}. Kopieren Sie ihn erneut aus der .csv-Datei, die beim Anlegen des Schlüssels gespeichert wurde.</translation>
    </message>
    <message>
      <source>AWS issues access key IDs in upper case; check the key was not retyped.</source>
      <translation>AWS vergibt Zugriffsschlüssel-IDs in Großbuchstaben; prüfen Sie, ob der Schlüssel abgetippt wurde.</translation>
    </message>
    <message>
      <source>AWS refuses durations above the role's maximum session duration (1 hour unless the role's settings raise it).</source>
      <translation>AWS lehnt Laufzeiten über der maximalen Sitzungsdauer der Rolle ab (1 Stunde, sofern die Einstellungen der Rolle sie nicht erhöhen).</translation>
    </message>
    <message>
      <source>AWS's endpoint data does not list {service} in {region}: the service is probably not offered there.</source>
      <translation>Die Endpunktdaten von AWS führen {service} in {region} nicht: der Dienst wird dort wahrscheinlich nicht angeboten.</translation>
    </message>
    <message>
      <source>Access key IDs are usually 20 characters starting with AKIA (long-term key) or ASIA (temporary key). Check you copied the access key ID.</source>
      <translation>Zugriffsschlüssel-IDs haben meist 20 Zeichen und beginnen mit AKIA (langfristiger Schlüssel) oder ASIA (temporärer Schlüssel). Prüfen Sie, ob Sie die Zugriffsschlüssel-ID kopiert haben.</translation>
    </message>
    <message>
      <source>An AWS account ID is 12 digits, e.g. 123456789012.</source>
      <translation>Eine AWS-Konto-ID hat 12 Ziffern, z. B. 123456789012.</translation>
    </message>
    <message>
      <source>An MFA device ARN looks like {example}.</source>
      <translation>Ein ARN eines MFA-Geräts sieht so aus: {example}.</translation>
    </message>
    <message>
      <source>An awsapps.com start URL ends with /start, e.g. {example}.</source>
      <translation>Eine awsapps.com-Start-URL endet mit /start, z. B. {example}.</translation>
    </message>
    <message>
      <source>Availability of {service} in {region} is unknown (not in the installed AWS data); the connection test will tell.</source>
      <translation>Ob {service} in {region} verfügbar ist, ist unbekannt (nicht in den installierten AWS-Daten); der Verbindungstest wird es zeigen.</translation>
    </message>
    <message>
      <source>Bucket names are lower case.</source>
      <translation>Bucket-Namen werden kleingeschrieben.</translation>
    </message>
    <message>
      <source>Choose a region from the list, e.g. us-east-1.</source>
      <translation>Wählen Sie eine Region aus der Liste, z. B. us-east-1.</translation>
    </message>
    <message>
      <source>Choose one of: {choices}.</source>
      <translation>Wählen Sie eines von: {choices}.</translation>
    </message>
    <message>
      <source>Choose the {field}: one of {choices}.</source>
      <translation>Wählen Sie „{field}“: eines von {choices}.</translation>
    </message>
    <message>
      <source>Choose who assumes the role: default (this machine's credentials), instance (the EC2 instance role) or profile:NAME (a saved profile).</source>
      <translation>Wählen Sie, wer die Rolle übernimmt: default (die Anmeldedaten dieses Rechners), instance (die EC2-Instanzrolle) oder profile:NAME (ein gespeichertes Profil).</translation>
    </message>
    <message>
      <source>Enter a full URL starting with https:// or http://, e.g. {example}.</source>
      <translation>Geben Sie eine vollständige URL ein, die mit https:// oder http:// beginnt, z. B. {example}.</translation>
    </message>
    <message>
      <source>Enter just the bucket name, e.g. my-bucket (without s3://, arn: or a path).</source>
      <translation>Geben Sie nur den Bucket-Namen ein, z. B. my-bucket (ohne s3://, arn: oder Pfad).</translation>
    </message>
    <message>
      <source>Enter just the role name (e.g. ReadOnlyRobot) or the full role ARN starting with arn: (e.g. arn:aws:iam::123456789012:role/ReadOnlyRobot).</source>
      <translation>Geben Sie nur den Rollennamen (z. B. ReadOnlyRobot) oder den vollständigen Rollen-ARN ein, der mit arn: beginnt (z. B. arn:aws:iam::123456789012:role/ReadOnlyRobot).</translation>
    </message>
    <message>
      <source>Enter the MFA device's ARN, e.g. {example} (IAM console: your user → Security credentials → Multi-factor authentication), or a hardware token's serial number such as GAHT12345678.</source>
      <translation>Geben Sie den ARN des MFA-Geräts ein, z. B. {example} (IAM-Konsole: Ihr Benutzer → Sicherheitsanmeldeinformationen → Multi-Faktor-Authentifizierung), oder die Seriennummer eines Hardware-Tokens wie GAHT12345678.</translation>
    </message>
    <message>
      <source>Enter the full ARN of the role in the other account, e.g. arn:aws:iam::123456789012:role/PartnerAccess (a role name alone is not enough).</source>
      <translation>Geben Sie den vollständigen ARN der Rolle im anderen Konto ein, z. B. arn:aws:iam::123456789012:role/PartnerAccess (ein Rollenname allein genügt nicht).</translation>
    </message>
    <message>
      <source>Enter the role's name as IAM Identity Center shows it (the permission set, e.g. ReadOnlyAccess): up to 32 {allowed}.</source>
      <translation>Geben Sie den Namen der Rolle so ein, wie IAM Identity Center ihn zeigt (der Berechtigungssatz, z. B. ReadOnlyAccess): bis zu 32 {allowed}.</translation>
    </message>
    <message>
      <source>Enter the session duration in whole seconds from {min} ({minutes} minutes) to {max} ({hours} hours).</source>
      <translation>Geben Sie die Sitzungsdauer in ganzen Sekunden von {min} ({minutes} Minuten) bis {max} ({hours} Stunden) ein.</translation>
    </message>
    <message>
      <source>Enter the six-digit code your MFA device shows now.</source>
      <translation>Geben Sie den sechsstelligen Code ein, den Ihr MFA-Gerät jetzt anzeigt.</translation>
    </message>
    <message>
      <source>Enter the {field} in seconds, more than 0 and at most {max}.</source>
      <translation>Geben Sie „{field}“ in Sekunden ein, mehr als 0 und höchstens {max}.</translation>
    </message>
    <message>
      <source>Enter the {field} without spaces or colons, at most {max} characters.</source>
      <translation>Geben Sie „{field}“ ohne Leerzeichen und Doppelpunkte ein, höchstens {max} Zeichen.</translation>
    </message>
    <message>
      <source>Enter the {field}.</source>
      <translation>Geben Sie „{field}“ ein.</translation>
    </message>
    <message>
      <source>IAM ARNs have no region: remove "{region}" ({example}).</source>
      <translation>IAM-ARNs haben keine Region: entfernen Sie „{region}“ ({example}).</translation>
    </message>
    <message>
      <source>Not a valid bucket name: it must start and end with a letter or digit, have no two dots in a row, not look like an IP address, and not use a prefix or suffix AWS reserves (xn--, sthree-, -s3alias, ...).</source>
      <translation>Kein gültiger Bucket-Name: Er muss mit einem Buchstaben oder einer Ziffer beginnen und enden, darf keine zwei Punkte hintereinander haben, nicht wie eine IP-Adresse aussehen und kein von AWS reserviertes Präfix oder Suffix verwenden (xn--, sthree-, -s3alias, ...).</translation>
    </message>
    <message>
      <source>Region IDs are lower case: {region}.</source>
      <translation>Regions-IDs werden kleingeschrieben: {region}.</translation>
    </message>
    <message>
      <source>Remove the spaces: AWS never puts spaces in {thing}.</source>
      <translation>Entfernen Sie die Leerzeichen: bei AWS enthält {thing} nie Leerzeichen.</translation>
    </message>
    <message>
      <source>Remove what follows the start URL (the "#/..." or "?..." the browser added): it ends with /start, e.g. {example}.</source>
      <translation>Entfernen Sie, was der Start-URL folgt (das „#/...“ oder „?...“, das der Browser angefügt hat): sie endet mit /start, z. B. {example}.</translation>
    </message>
    <message>
      <source>Remove {shown}: {thing} only contains {allowed}.</source>
      <translation>Entfernen Sie {shown}: {thing} enthält nur {allowed}.</translation>
    </message>
    <message>
      <source>Removed {removed} from the pasted value.</source>
      <translation>Aus dem eingefügten Wert entfernt: {removed}.</translation>
    </message>
    <message>
      <source>Take the password out of the proxy URL: enter the user name and password in their own fields (the password is kept in the keychain only).</source>
      <translation>Nehmen Sie das Passwort aus der Proxy-URL: Tragen Sie Benutzername und Passwort in ihre eigenen Felder ein (das Passwort wird nur im Schlüsselbund gespeichert).</translation>
    </message>
    <message>
      <source>That is an availability zone; its region is {region}.</source>
      <translation>Das ist eine Verfügbarkeitszone; ihre Region ist {region}.</translation>
    </message>
    <message>
      <source>The account ID in a role ARN is 12 digits; found "{account}".</source>
      <translation>Die Konto-ID in einem Rollen-ARN hat 12 Ziffern; gefunden: „{account}“.</translation>
    </message>
    <message>
      <source>The account ID in an MFA device ARN is 12 digits; found "{account}".</source>
      <translation>Die Konto-ID im ARN eines MFA-Geräts hat 12 Ziffern; gefunden: „{account}“.</translation>
    </message>
    <message>
      <source>The code has six digits; this has {n}.</source>
      <translation>Der Code hat sechs Ziffern; dieser hat {n}.</translation>
    </message>
    <message>
      <source>The code is six digits, nothing else.</source>
      <translation>Der Code besteht aus sechs Ziffern, sonst nichts.</translation>
    </message>
    <message>
      <source>The device's name is missing after mfa/ ({example}).</source>
      <translation>Der Name des Geräts fehlt nach mfa/ ({example}).</translation>
    </message>
    <message>
      <source>The file {path} cannot be read: check its permissions.</source>
      <translation>Die Datei {path} kann nicht gelesen werden: prüfen Sie ihre Berechtigungen.</translation>
    </message>
    <message>
      <source>The file {path} cannot be used as a CA bundle: {reason}.</source>
      <translation>Die Datei {path} kann nicht als CA-Bundle verwendet werden: {reason}.</translation>
    </message>
    <message>
      <source>The role name "{name}" at the end of the ARN must be {min}-{max} {allowed}.</source>
      <translation>Der Rollenname „{name}“ am Ende des ARN muss aus {min}-{max} Zeichen bestehen: {allowed}.</translation>
    </message>
    <message>
      <source>The role path "{path}" may only use printable characters without spaces.</source>
      <translation>Der Rollenpfad „{path}“ darf nur druckbare Zeichen ohne Leerzeichen enthalten.</translation>
    </message>
    <message>
      <source>The start URL starts with https://, e.g. {example}.</source>
      <translation>Die Start-URL beginnt mit https://, z. B. {example}.</translation>
    </message>
    <message>
      <source>The {field} contains {shown}: control or invisible characters (a line break, for one) are never allowed in it.</source>
      <translation>„{field}“ enthält {shown}: Steuerzeichen oder unsichtbare Zeichen (etwa ein Zeilenumbruch) sind darin nie erlaubt.</translation>
    </message>
    <message>
      <source>There is no file at {path}. Choose the PEM file with your organisation's certificate authorities.</source>
      <translation>Unter {path} gibt es keine Datei. Wählen Sie die PEM-Datei mit den Zertifizierungsstellen Ihrer Organisation.</translation>
    </message>
    <message>
      <source>This External ID is made of common words, dates or sequences; it is easy to guess.</source>
      <translation>Diese Externe ID besteht aus gängigen Wörtern, Daten oder Folgen; sie ist leicht zu erraten.</translation>
    </message>
    <message>
      <source>This External ID is only digits (like an account number or a date); it is easy to guess.</source>
      <translation>Diese Externe ID besteht nur aus Ziffern (wie eine Kontonummer oder ein Datum); sie ist leicht zu erraten.</translation>
    </message>
    <message>
      <source>This External ID is short ({n} characters); use at least 16.</source>
      <translation>Diese Externe ID ist kurz ({n} Zeichen); verwenden Sie mindestens 16.</translation>
    </message>
    <message>
      <source>This External ID repeats a few characters; it is easy to guess.</source>
      <translation>Diese Externe ID wiederholt wenige Zeichen; sie ist leicht zu erraten.</translation>
    </message>
    <message>
      <source>This file does not look like PEM certificates (no -----BEGIN CERTIFICATE-----).</source>
      <translation>Diese Datei sieht nicht nach PEM-Zertifikaten aus (kein -----BEGIN CERTIFICATE-----).</translation>
    </message>
    <message>
      <source>This has {n} characters; {thing} has at least {min}. Copy all of it.</source>
      <translation>Dieser Wert hat {n} Zeichen; {thing} hat mindestens {min}. Kopieren Sie den ganzen Wert.</translation>
    </message>
    <message>
      <source>This has {n} characters; {thing} has at most {max}.</source>
      <translation>Dieser Wert hat {n} Zeichen; {thing} hat höchstens {max}.</translation>
    </message>
    <message>
      <source>This is not an IAM ARN: a role ARN looks like {example}.</source>
      <translation>Das ist kein IAM-ARN: ein Rollen-ARN sieht so aus: {example}.</translation>
    </message>
    <message>
      <source>This is not the ARN of an MFA device: it looks like {example}.</source>
      <translation>Das ist nicht der ARN eines MFA-Geräts: der sieht so aus: {example}.</translation>
    </message>
    <message>
      <source>This is the ARN of a session of an assumed role. Use the role's own ARN: {arn} (add the role's path if it has one).</source>
      <translation>Das ist der ARN einer Sitzung einer übernommenen Rolle. Verwenden Sie den ARN der Rolle selbst: {arn} (ergänzen Sie den Pfad der Rolle, falls sie einen hat).</translation>
    </message>
    <message>
      <source>This is the ARN of a {kind}, not of a role ({example}).</source>
      <translation>Das ist der ARN von „{kind}“, nicht von einer Rolle ({example}).</translation>
    </message>
    <message>
      <source>This is the ARN of a {kind}, not of its MFA device: the device's ARN has mfa/ in place of {kind}/ ({example}).</source>
      <translation>Das ist der ARN von „{kind}“, nicht von dessen MFA-Gerät: der ARN des Geräts hat mfa/ statt {kind}/ ({example}).</translation>
    </message>
    <message>
      <source>This is the secret access key. The session token is a much longer value issued by AWS STS together with the ASIA key.</source>
      <translation>Das ist der geheime Zugriffsschlüssel. Das Sitzungstoken ist ein viel längerer Wert, den AWS STS zusammen mit dem ASIA-Schlüssel ausstellt.</translation>
    </message>
    <message>
      <source>This key starts with AKIA (a long-term key): leave the session token empty.</source>
      <translation>Dieser Schlüssel beginnt mit AKIA (ein langfristiger Schlüssel): Lassen Sie das Sitzungstoken leer.</translation>
    </message>
    <message>
      <source>This key starts with ASIA (temporary credentials): paste the session token that was issued with it.</source>
      <translation>Dieser Schlüssel beginnt mit ASIA (temporäre Anmeldedaten): Fügen Sie das Sitzungstoken ein, das mit ihm ausgestellt wurde.</translation>
    </message>
    <message>
      <source>This looks like a secret access key. The access key ID is the shorter value that starts with AKIA or ASIA.</source>
      <translation>Das sieht nach einem geheimen Zugriffsschlüssel aus. Die Zugriffsschlüssel-ID ist der kürzere Wert, der mit AKIA oder ASIA beginnt.</translation>
    </message>
    <message>
      <source>This looks like an access key ID. The secret access key is the 40-character value shown next to it when the key was created.</source>
      <translation>Das sieht nach einer Zugriffsschlüssel-ID aus. Der geheime Zugriffsschlüssel ist der 40-stellige Wert, der beim Anlegen des Schlüssels daneben angezeigt wurde.</translation>
    </message>
    <message>
      <source>This looks like the secret access key. The access key ID is the shorter value that starts with AKIA or ASIA.</source>
      <translation>Das sieht nach dem geheimen Zugriffsschlüssel aus. Die Zugriffsschlüssel-ID ist der kürzere Wert, der mit AKIA oder ASIA beginnt.</translation>
    </message>
    <message>
      <source>This role is in the {partition} partition but region {region} is in {region_partition}: choose a region of the role's partition.</source>
      <translation>Diese Rolle liegt in der Partition {partition}, die Region {region} aber in {region_partition}: wählen Sie eine Region der Partition der Rolle.</translation>
    </message>
    <message>
      <source>This starts with {prefix}: that is {meaning}, not an access key ID (those start with AKIA or ASIA).</source>
      <translation>Dies beginnt mit {prefix}: das ist {meaning}, keine Zugriffsschlüssel-ID (die beginnen mit AKIA oder ASIA).</translation>
    </message>
    <message>
      <source>Unknown method: choose one of {choices}.</source>
      <translation>Unbekannte Methode: wählen Sie eine von {choices}.</translation>
    </message>
    <message>
      <source>Unknown partition "{partition}": most accounts use aws; China uses aws-cn and GovCloud aws-us-gov.</source>
      <translation>Unbekannte Partition „{partition}“: die meisten Konten verwenden aws; China verwendet aws-cn und GovCloud aws-us-gov.</translation>
    </message>
    <message>
      <source>Unknown region "{region}". {hint}</source>
      <translation>Unbekannte Region „{region}“. {hint}</translation>
    </message>
    <message>
      <source>Use the region's ID: {region} ({name}).</source>
      <translation>Verwenden Sie die ID der Region: {region} ({name}).</translation>
    </message>
    <message>
      <source>a bucket name</source>
      <translation>ein Bucket-Name</translation>
    </message>
    <message>
      <source>a line break</source>
      <translation>ein Zeilenumbruch</translation>
    </message>
    <message>
      <source>a model ID</source>
      <translation>eine Modell-ID</translation>
    </message>
    <message>
      <source>a policy's unique ID</source>
      <translation>die eindeutige ID einer Richtlinie</translation>
    </message>
    <message>
      <source>a role ARN</source>
      <translation>ein Rollen-ARN</translation>
    </message>
    <message>
      <source>a role name</source>
      <translation>ein Rollenname</translation>
    </message>
    <message>
      <source>a role session name</source>
      <translation>ein Rollensitzungsname</translation>
    </message>
    <message>
      <source>a secret access key</source>
      <translation>ein geheimer Zugriffsschlüssel</translation>
    </message>
    <message>
      <source>a session token</source>
      <translation>ein Sitzungstoken</translation>
    </message>
    <message>
      <source>a space</source>
      <translation>ein Leerzeichen</translation>
    </message>
    <message>
      <source>a tab</source>
      <translation>ein Tabulator</translation>
    </message>
    <message>
      <source>an External ID</source>
      <translation>eine Externe ID</translation>
    </message>
    <message>
      <source>an IAM group's unique ID</source>
      <translation>die eindeutige ID einer IAM-Gruppe</translation>
    </message>
    <message>
      <source>an IAM role's unique ID</source>
      <translation>die eindeutige ID einer IAM-Rolle</translation>
    </message>
    <message>
      <source>an IAM user's unique ID</source>
      <translation>die eindeutige ID eines IAM-Benutzers</translation>
    </message>
    <message>
      <source>an MFA device ARN</source>
      <translation>ein ARN eines MFA-Geräts</translation>
    </message>
    <message>
      <source>an STS service bearer token</source>
      <translation>ein STS-Service-Bearer-Token</translation>
    </message>
    <message>
      <source>an access key ID</source>
      <translation>eine Zugriffsschlüssel-ID</translation>
    </message>
    <message>
      <source>an invisible character</source>
      <translation>ein unsichtbares Zeichen</translation>
    </message>
    <message>
      <source>another blank character</source>
      <translation>ein anderes Leerraumzeichen</translation>
    </message>
    <message>
      <source>it cannot be read</source>
      <translation>sie kann nicht gelesen werden</translation>
    </message>
    <message>
      <source>letters and digits</source>
      <translation>Buchstaben und Ziffern</translation>
    </message>
    <message>
      <source>letters, digits and + = , . @ : / _ -</source>
      <translation>Buchstaben, Ziffern und + = , . @ : / _ -</translation>
    </message>
    <message>
      <source>letters, digits and + = , . @ _ -</source>
      <translation>Buchstaben, Ziffern und + = , . @ _ -</translation>
    </message>
    <message>
      <source>letters, digits and + = / : , . @ _ -</source>
      <translation>Buchstaben, Ziffern und + = / : , . @ _ -</translation>
    </message>
    <message>
      <source>letters, digits and . : / _ - (e.g. anthropic.claude-3-haiku-20240307-v1:0)</source>
      <translation>Buchstaben, Ziffern und . : / _ - (z. B. anthropic.claude-3-haiku-20240307-v1:0)</translation>
    </message>
    <message>
      <source>letters, digits, / + and =</source>
      <translation>Buchstaben, Ziffern, / + und =</translation>
    </message>
    <message>
      <source>letters, digits, / and +</source>
      <translation>Buchstaben, Ziffern, / und +</translation>
    </message>
    <message>
      <source>lower-case letters, digits, dots and hyphens</source>
      <translation>Kleinbuchstaben, Ziffern, Punkte und Bindestriche</translation>
    </message>
    <message>
      <source>{first} and {last}</source>
      <translation>{first} und {last}</translation>
    </message>
    <message>
      <source>{first}, {next}</source>
      <translation>{first}, {next}</translation>
    </message>
    <message>
      <source>{n} invisible characters</source>
      <translation>{n} unsichtbare Zeichen</translation>
    </message>
    <message>
      <source>{n} line breaks</source>
      <translation>{n} Zeilenumbrüche</translation>
    </message>
    <message>
      <source>{n} other blank characters</source>
      <translation>{n} andere Leerraumzeichen</translation>
    </message>
    <message>
      <source>{n} spaces</source>
      <translation>{n} Leerzeichen</translation>
    </message>
    <message>
      <source>{n} tabs</source>
      <translation>{n} Tabulatoren</translation>
    </message>
    <message>
      <source>{reason} A guessable External ID weakens the protection against the confused deputy problem: use Generate for a random one.</source>
      <translation>{reason} Eine erratbare Externe ID schwächt den Schutz gegen das Confused-Deputy-Problem: verwenden Sie „Erzeugen“ für eine zufällige.</translation>
    </message>
    <message>
      <source>{region} is not in this program's list of regions (it may be newer than the installed AWS data). Check the spelling.</source>
      <translation>{region} steht nicht in der Regionsliste dieses Programms (sie ist vielleicht neuer als die installierten AWS-Daten). Prüfen Sie die Schreibweise.</translation>
    </message>
  </context>
  <context>
    <name>widgets</name>
    <message>
      <source>Error</source>
      <translation>Fehler</translation>
    </message>
    <message>
      <source>Hide</source>
      <translation>Verbergen</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>Hinweis</translation>
    </message>
    <message>
      <source>Show</source>
      <translation>Anzeigen</translation>
    </message>
    <message>
      <source>Warning</source>
      <translation>Warnung</translation>
    </message>
    <message>
      <source>{level}: {text}</source>
      <translation>{level}: {text}</translation>
    </message>
    <message>
      <source>{verb} the value</source>
      <translation>Wert: {verb}</translation>
    </message>
    <message>
      <source>{verb} the value ({REVEAL_SHORTCUT})</source>
      <translation>Wert: {verb} ({REVEAL_SHORTCUT})</translation>
    </message>
  </context>
  <context>
    <name>wizard</name>
    <message>
      <source> — practice mode</source>
      <translation> – Übungsmodus</translation>
    </message>
    <message>
      <source>Practice mode: the values are filled in for you, and the test talks to a local AWS emulator on 127.0.0.1; nothing reaches AWS.</source>
      <translation>Übungsmodus: Die Werte sind für Sie ausgefüllt, und der Test spricht mit einem lokalen AWS-Emulator auf 127.0.0.1; nichts erreicht AWS.</translation>
    </message>
  </context>
</TS>
