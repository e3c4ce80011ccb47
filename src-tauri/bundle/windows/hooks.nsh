; tauri.conf.json > bundle > windows > nsis > installerHooks: what Tauri's installer
; does not do by itself.
;  - Installs the resident and command line, shomei.exe (built by before-bundle.sh into
;    src-tauri/gen/resident/), beside the window, shomei-window.exe.
;  - An IT department can hand the installer a bank profile:
;      Shomei_x.y.z_x64-setup.exe /S /BANKPROFILE=C:\deploy\bank.toml
;    copies it into the user's profile directory, %APPDATA%\shomei\banks\ (per-user
;    install; a machine-wide profile goes to %ProgramData%\Shomei\banks\ by their own tools).

!include "FileFunc.nsh"

!macro NSIS_HOOK_POSTINSTALL
  SetOutPath "$INSTDIR"
  File "/oname=shomei.exe" "${__FILEDIR__}/../../gen/resident/shomei.exe"
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/BANKPROFILE=" $R1
  ${IfNot} ${Errors}
    CreateDirectory "$APPDATA\shomei\banks"
    CopyFiles /SILENT "$R1" "$APPDATA\shomei\banks"
  ${EndIf}
!macroend

!macro NSIS_HOOK_POSTUNINSTALL
  Delete "$INSTDIR\shomei.exe"
!macroend
