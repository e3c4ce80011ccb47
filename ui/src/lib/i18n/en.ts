// English catalog. Typed as the Japanese one: a missing or extra key fails the type-check.
import type { ja } from './ja';

export const en: typeof ja = {
  app: {
    title: 'Client certificate renewal',
    languageToggle: '日本語',
    languageLabel: 'Switch display language',
    demoBanner: 'Demo mode',
    demoPin: 'Demo token PIN: {pin}',
    loading: 'Loading…',
  },
  list: {
    noticeHeading: 'Important notices',
    noticeTitle: 'Please renew your client certificate',
    noticeBody: 'The client certificate of "{name}" expires on {date} ({n} days left). Please renew it before then.',
    noticeLink: 'Renew the client certificate here',
    heading: 'Client certificates',
    subject: 'Issued to',
    expiry: 'Expiry date',
    daysLeft: 'Days left',
    storage: 'Stored in',
    status: 'Status',
    days: '{n} days',
    daysOverdue: '{n} days ago',
    renew: 'Renew',
    unfinishedInterrupted: 'The last renewal stopped before its request. Renew undoes it and starts again.',
    unfinishedPending: 'Waiting for the bank to issue. Renew asks again with the same request.',
    unfinishedAwaitingInstall: 'The new client certificate was issued but not installed. Renew continues at the install consent.',
    unfinishedInstalling: 'The last install was interrupted. Renew finishes it.',
    unfinishedNotYetValid:
      "The new client certificate was issued, but it is valid only from {time}, ahead of this PC's clock. Check the clock. After that time, Renew carries on.",
    unfinishedArchiving:
      'The new client certificate is installed; removing the previous one has not finished. Renew tries again (this never blocks renewing the new one).',
    unfinishedNextPoll: 'Next question to the bank: after {time}',
    unfinishedStuck: "Pending for longer than the bank's limit. Ask the bank, or Discard it.",
    unfinishedHeading: 'Unfinished renewals',
    unfinishedGone: 'The client certificate of "{name}" (no longer listed)',
    discard: 'Discard',
    notRenewableNoPrivateKey: 'Its private key is missing, so it cannot be renewed.',
    notRenewableUnknownIssuer: "Unknown issuer: no bank profile's CA issued it, so it cannot be renewed here.",
    notRenewableSuperseded: 'Replaced by a newer client certificate (expires {date}).',
    empty: 'No client certificate was found.',
    warnings: 'Some client certificates could not be read',
    tokenAbsent: 'The USB token is not connected.',
    tokenAbsentHint: 'If you have one, insert it into this PC and press "Reload".',
    moduleMissing: 'The token software for the USB token is not installed.',
    preparation:
      "To keep the client certificate on a USB token, apply to your bank for the media storage service and install the token software, as your bank's manual describes.",
    reload: 'Reload',
    notOpenYet: 'Renewal becomes possible when the renewal period before the expiry date opens.',
    notOpenYetOn: 'Renewal opens on {date}.',
    unknownIssuerHeading: 'Unknown issuer',
    reacquireHint: 'Can be re-acquired until {date}.',
    reissueHint: 'Needs to be reissued by the bank.',
    expiredTitle: 'A client certificate has expired',
    reacquireBody:
      `The client certificate of "{name}" expired on {expiry}. It can be re-acquired until {until}: follow your bank's instructions to re-acquire it.`,
    reissueBody:
      'The client certificate of "{name}" expired on {expiry}. It can no longer be re-acquired: your bank has to reissue it.',
    contactHeading: 'Contact',
    contactBank: 'Please contact your bank.',
    contactPhone: 'Phone: {phone}',
    contactHours: 'Hours: {hours}',
    contactUrl: 'Website: {url}',
  },
  storage: {
    usbToken: 'USB token',
    thisPc: 'This PC',
  },
  status: {
    valid: 'Valid',
    renewalOpen: 'Renewal open',
    expired: 'Expired',
  },
  usage: {
    serverAuth: 'Server authentication',
    clientAuth: 'Client authentication (logging in to internet banking)',
    codeSigning: 'Code signing',
    emailProtection: 'Email protection',
    timeStamping: 'Time stamping',
    OCSPSigning: 'OCSP signing',
    anyExtendedKeyUsage: 'Any purpose',
  },
  store: {
    title: 'Renew',
    prompt: 'Choose where to save the new client certificate.',
    thisPc: 'Save on this PC',
    usbToken: 'Save on the USB token',
    next: 'Next',
    cancel: 'Cancel',
  },
  consent: {
    title: 'Confirm',
    requestMessage: 'The client certificate will be renewed: a new key is created and the bank is asked to issue it. Continue?',
    installMessage: 'The issued client certificate will be installed. Continue?',
    installNoMeans: 'If you answer No, the newly issued client certificate is thrown away without being installed. Your current client certificate keeps working.',
    yes: 'Yes',
    no: 'No',
  },
  discard: {
    message: 'Discard this unfinished renewal?',
    interrupted: 'The half-made new key is removed. Your current client certificate is unchanged.',
    pending:
      'The new key of the request is removed; whatever the bank issues for it later is never used. Your current client certificate is unchanged.',
    issued: 'The issued client certificate and its key are thrown away. Your current client certificate is unchanged.',
    installing: 'The half-installed new client certificate and key are removed. The previous one is unchanged.',
    archiving: 'Only the record is forgotten; both client certificates stay.',
  },
  pin: {
    title: 'Token PIN',
    prompt: 'Insert the USB token and enter its PIN.',
    label: 'PIN',
    submit: 'OK',
    cancel: 'Cancel',
    incorrect: 'The PIN is incorrect. {n} tries left',
    finalTryWarning:
      'The next entry is the final try. If it is wrong, the USB token is locked and has to be unlocked through your bank. Check the PIN and, if you are sure, press "Use the final try".',
    useFinalTry: 'Use the final try',
  },
  progress: {
    issuingTitle: 'Issuing the client certificate',
    installingTitle: 'Installing the client certificate',
    pending: 'Waiting',
    running: 'In progress',
    finished: 'Done',
    failed: 'Failed',
  },
  steps: {
    check: 'Checking the certificate and the renewal period',
    login: 'Logging in to the USB token',
    loginPc: "Opening this PC's certificate store",
    requirements: 'Checking what the bank asks for',
    generateKey: 'Creating a new key',
    request: 'Asking the bank to issue the client certificate',
    verify: 'Verifying the issued client certificate',
    install: 'Installing the client certificate',
    readBack: 'Reading the installed certificate back',
    archive: 'Tidying up the previous certificate',
  },
  done: {
    title: 'Done',
    usbToken: 'The client certificate was renewed and saved to the USB token.',
    thisPc: 'The client certificate was installed.',
    nextHeading: 'What to do next',
    nextBrowser: 'Quit and restart your browser (it remembers the previous certificate).',
    nextSoftware: 'Update other software that uses the certificate, such as accounting software.',
    nextOtherOpen:
      'Another client certificate is in its renewal period (issued to "{name}", expiry date {date}, {n} days left). Go back to the list to renew it.',
    nextOtherSoon:
      'Another client certificate can be renewed soon (issued to "{name}", expiry date {date}, {n} days left). Renewal opens on {opens}.',
  },
  details: {
    title: 'Certificate details',
    subject: 'Issued to',
    issuer: 'Issued by',
    serial: 'Serial number',
    validity: 'Validity period',
    notBefore: 'From',
    notAfter: 'To',
    time: '{time} (Japan time)',
    fingerprint: 'SHA-256 fingerprint',
    key: 'Key',
    usages: 'Usages',
    close: 'Close',
  },
  errors: {
    title: 'Error',
    technical: 'Technical detail',
    back: 'Back to the list',
    tokenAbsent: 'The USB token was not found. Insert it and try again.',
    moduleMissing:
      'The token software was not found. The USB token needs the media storage service from your bank and its token software installed.',
    tokenRemoved:
      'The USB token was removed during the operation. Reconnect it and check the list of client certificates. The previous certificate stays usable until the new one has been installed and checked.',
    pinIncorrect: 'The PIN is incorrect.',
    pinFinalTry: 'The token PIN has 1 try left. To be safe, the PIN has not been sent yet.',
    pinLocked: 'The token PIN is locked. Contact your bank or the support desk of the token software.',
    cancelled: 'Renewal was cancelled. Your current client certificate still works.',
    notFound: 'The client certificate was not found. Reload the list and try again.',
    bankUnreachable: 'The bank could not be reached. Check the network and proxy settings and try again later.',
    bankNotTrusted:
      "The server could not be confirmed to be the bank's. A proxy that inspects HTTPS traffic prevents renewing the client certificate: ask your IT administrator to exclude the bank's server from inspection.",
    bankRejected: 'The bank refused to issue the client certificate. Please contact your bank.',
    certificateMismatch:
      'The issued client certificate does not match the request, so it was not installed. Your current certificate still works. Please contact your bank.',
    stillPending:
      'The bank accepted the request but has not issued the client certificate yet. Please try again later. Your current client certificate still works.',
    outsideWindow: 'The client certificate cannot be renewed now: renewal is only possible in the renewal period before the expiry date.',
    renewalUnknown: 'This renewal no longer exists. Start again from the list.',
    alreadyRenewed: 'An interrupted renewal of this client certificate has been completed. Reload the list to see the new one.',
    bankAuthRequired:
      "The bank asks for a password (a user name and password, or a challenge password). Check the password your bank sent. Your current client certificate still works.",
    bankRequirementUnsupported:
      "The bank's CA asks for something this renewal cannot provide. Nothing was made or sent. Your current client certificate still works. Please contact your bank.",
    unfinishedElsewhere:
      'An unfinished renewal of this client certificate goes into the other store. Carry it on or discard it from the list, then try again. Your current client certificate still works.',
    storeNotOffered:
      'Your bank does not offer storage on its USB token, so the new client certificate cannot be saved there. Save it on this PC.',
    noBankProfile:
      "No bank profile is set up. Add the profile your bank gave you, or ask your IT administrator.",
    renewalInProgress:
      'This renewal is in progress in another window or command. Nothing was changed. Try again once that one has finished.',
    notRenewable: 'This client certificate cannot be renewed here. The list says why.',
    issuedNotLonger:
      'The client certificate from the bank expires no later than your current one, so it was not installed. Your current client certificate still works. Please contact your bank.',
    issuedNotYetValid:
      "The bank issued the client certificate, but it is valid only from a time ahead of this PC's clock. Check the clock. The new certificate is kept.",
    issuedNotYetValidAt:
      "The bank issued the client certificate, but it is valid only from {time}, ahead of this PC's clock. Check the clock. The new certificate is kept; after that time, Renew carries on.",
    stillPendingAt:
      'The bank accepted the request but has not issued the client certificate yet. Try again after {time}. Your current client certificate still works.',
    internal: 'An unexpected error occurred. Your current client certificate still works.',
  },
};
