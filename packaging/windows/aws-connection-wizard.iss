; Inno Setup script for the Windows installer. Built by .github/workflows/installers.yml on windows-latest:
;   pyinstaller --noconfirm --distpath packaging\out\dist --workpath packaging\out\build packaging\aws-connection-wizard.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\aws-connection-wizard.iss
; Not built or tested on this project's Linux machines. The installer is not code-signed (SmartScreen will warn).

#define AppName "AWS Connection Wizard"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppExe "aws-connection-wizard.exe"
#define AppId "io.github.awsconnectionwizard.AwsConnectionWizard"

[Setup]
AppId={{7C3B2E1A-4F0D-4B7E-9A51-3D2C8E6F1B90}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=AWS Connection Wizard developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\out
OutputBaseFilename=aws-connection-wizard-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\{#AppId}.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/ultra64
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\out\dist\aws-connection-wizard\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppId}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
