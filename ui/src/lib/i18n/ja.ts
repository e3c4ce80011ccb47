// Japanese is the default locale; its shape is the shape every other catalog must have.
// Words follow SPEC.md §7 and the bank's manual.
export const ja = {
  app: {
    title: '電子証明書の更新',
    languageToggle: 'English',
    languageLabel: '表示言語を切り替える',
    demoBanner: 'デモモード',
    demoPin: 'デモ用の専用USBのパスワード（PIN）：{pin}',
    loading: '読み込み中…',
  },
  list: {
    noticeHeading: '重要なお知らせ',
    noticeTitle: '電子証明書の更新をお願いします',
    noticeBody: '「{name}」の電子証明書は{date}に有効期限を迎えます（残り{n}日）。有効期限までに更新してください。',
    noticeLink: '電子証明書の更新はこちら',
    heading: '電子証明書の一覧',
    subject: '発行先',
    expiry: '有効期限',
    daysLeft: '残り日数',
    storage: '保管場所',
    status: '状態',
    days: '{n}日',
    daysOverdue: '{n}日経過',
    renew: '更新',
    unfinishedInterrupted: '前回の更新は申請の前に中断しました。「更新」で取り消してやり直します。',
    unfinishedPending: '銀行の発行待ちです。「更新」で同じ申請を問い合わせます。',
    unfinishedAwaitingInstall: '新しい電子証明書は発行済みで、保存前です。「更新」で保存の確認から続けます。',
    unfinishedInstalling: '前回の保存が途中で中断しました。「更新」で保存を完了します。',
    unfinishedNotYetValid:
      '新しい電子証明書は発行済みですが、有効期間の開始（{time}）がこのパソコンの時計より先です。パソコンの時計を確認してください。開始時刻を過ぎたら「更新」で続けられます。',
    unfinishedArchiving:
      '新しい電子証明書は保存済みです。以前の電子証明書の削除が終わっていません。「更新」でもう一度試みます（新しい電子証明書の更新の妨げにはなりません）。',
    unfinishedNextPoll: '次の問い合わせ：{time}以降',
    unfinishedStuck: '発行待ちの期間が銀行の上限を超えています。銀行に確認するか、「破棄」してください。',
    unfinishedHeading: '中断された更新',
    unfinishedGone: '「{name}」の電子証明書（もう一覧にはありません）',
    discard: '破棄',
    notRenewableNoPrivateKey: 'この電子証明書の秘密鍵がないため、更新できません。',
    notRenewableUnknownIssuer: '発行元不明：どの銀行プロファイルの認証局が発行した電子証明書でもないため、ここでは更新できません。',
    notRenewableSuperseded: '新しい電子証明書に置き換え済みです（有効期限 {date}）。',
    empty: '電子証明書が見つかりません。',
    warnings: '読み込めなかった電子証明書があります',
    tokenAbsent: '専用USBが接続されていません。',
    tokenAbsentHint: '専用USBをお持ちの場合は、パソコンに差し込んでから「再読み込み」を押してください。',
    moduleMissing: '専用USBの管理ソフトがインストールされていません。',
    preparation:
      '専用USBに電子証明書を保存するには、お取引の銀行への電子証明書媒体保管のお申し込みと、専用USBの管理ソフトのインストールが必要です。手順は銀行のマニュアルをご覧ください。',
    reload: '再読み込み',
    notOpenYet: '更新期間（有効期限の前）になると更新できます。',
    notOpenYetOn: '{date}から更新できます（更新期間の開始日）。',
    unknownIssuerHeading: '発行元不明',
    reacquireHint: '{date}まで再取得できます。',
    reissueHint: '再発行が必要です。',
    expiredTitle: '電子証明書の有効期限が切れています',
    reacquireBody:
      '「{name}」の電子証明書は{expiry}に有効期限が切れました。{until}までは再取得できます。お取引の銀行の案内に沿って再取得の手続きをしてください。',
    reissueBody:
      '「{name}」の電子証明書は{expiry}に有効期限が切れました。再取得はできないため、お取引の銀行で再発行の手続きが必要です。',
    contactHeading: 'お問い合わせ先',
    contactBank: 'お取引の銀行にお問い合わせください。',
    contactPhone: '電話：{phone}',
    contactHours: '受付時間：{hours}',
    contactUrl: 'ホームページ：{url}',
  },
  storage: {
    usbToken: '専用USB',
    thisPc: 'このパソコン',
  },
  status: {
    valid: '有効',
    renewalOpen: '更新期間中',
    expired: '期限切れ',
  },
  usage: {
    serverAuth: 'サーバー認証',
    clientAuth: 'クライアント認証（インターネットバンキングへのログイン）',
    codeSigning: 'コード署名',
    emailProtection: '電子メールの保護',
    timeStamping: 'タイムスタンプ',
    OCSPSigning: 'OCSP 署名',
    anyExtendedKeyUsage: 'すべての用途',
  },
  store: {
    title: '更新',
    prompt: '新しい電子証明書の保存先を選んでください。',
    thisPc: 'パソコンに保存する',
    usbToken: '専用USBに保存する',
    next: '次へ',
    cancel: 'キャンセル',
  },
  consent: {
    title: '確認',
    requestMessage: '電子証明書を更新します。新しい鍵を作成し、発行を申請します。よろしいですか？',
    installMessage: '発行された電子証明書をインストールします。よろしいですか？',
    installNoMeans: '「いいえ」を選ぶと、発行された新しい電子証明書はインストールされずに破棄されます。お使いの電子証明書はそのまま使えます。',
    yes: 'はい',
    no: 'いいえ',
  },
  discard: {
    message: 'この中断された更新を破棄します。よろしいですか？',
    interrupted: '作りかけの新しい鍵を削除します。お使いの電子証明書はそのままです。',
    pending: '銀行への申請に使った新しい鍵を削除します。あとで銀行が発行しても、その電子証明書は使われません。お使いの電子証明書はそのままです。',
    issued: '発行された新しい電子証明書と鍵を捨てます。お使いの電子証明書はそのままです。',
    installing: '保存しかけた新しい電子証明書と鍵を削除します。以前の電子証明書はそのままです。',
    archiving: '記録だけを消します。新旧どちらの電子証明書も残ります。',
  },
  pin: {
    title: '専用USBのパスワード（PIN）',
    prompt: '専用USBをパソコンに差し込み、専用USBのパスワード（PIN）を入力してください。',
    label: 'パスワード（PIN）',
    submit: 'OK',
    cancel: 'キャンセル',
    incorrect: 'パスワードが正しくありません。残り{n}回',
    finalTryWarning:
      '次が最後の入力です。間違えると専用USBがロックされ、銀行での手続きが必要になります。パスワードを確認して、よろしければ「最後の1回を使う」を押してください。',
    useFinalTry: '最後の1回を使う',
  },
  progress: {
    issuingTitle: '電子証明書発行処理中',
    installingTitle: '電子証明書をインストールしています',
    pending: '待機中',
    running: '処理中',
    finished: '完了',
    failed: '失敗',
  },
  steps: {
    check: '電子証明書と更新期間を確認しています',
    login: '専用USBにログインしています',
    loginPc: 'このパソコンの証明書ストアを開いています',
    requirements: '銀行の要件を確認しています',
    generateKey: '新しい鍵を作成しています',
    request: '銀行に電子証明書の発行を申請しています',
    verify: '発行された電子証明書を確認しています',
    install: '電子証明書をインストールしています',
    readBack: 'インストールした電子証明書を読み出して確認しています',
    archive: '以前の電子証明書を整理しています',
  },
  done: {
    title: '完了',
    usbToken: '電子証明書の更新と専用USBへの保存が完了しました。',
    thisPc: '電子証明書のインストールが完了しました',
    nextHeading: 'このあと行うこと',
    nextBrowser: 'ブラウザーをいったん終了して起動し直してください（以前の電子証明書を覚えているため）。',
    nextSoftware: '会計ソフトなど、電子証明書を使うほかのソフトがあれば設定を更新してください。',
    nextOtherOpen:
      'ほかの電子証明書も更新期間中です（発行先「{name}」、有効期限 {date}、残り{n}日）。一覧に戻って更新してください。',
    nextOtherSoon:
      'ほかの電子証明書もまもなく更新期間になります（発行先「{name}」、有効期限 {date}、残り{n}日）。{opens}から更新できます。',
  },
  details: {
    title: '証明書の内容',
    subject: '発行先',
    issuer: '発行者',
    serial: 'シリアル番号',
    validity: '有効期間',
    notBefore: '開始',
    notAfter: '終了',
    time: '{time}（日本時間）',
    fingerprint: 'SHA-256 拇印',
    key: '鍵',
    usages: '用途',
    close: '閉じる',
  },
  errors: {
    title: 'エラー',
    technical: '技術情報',
    back: '一覧に戻る',
    tokenAbsent: '専用USBが見つかりません。専用USBをパソコンに差し込んでから、もう一度お試しください。',
    moduleMissing:
      '専用USBの管理ソフトが見つかりません。専用USBを使うには、銀行への電子証明書媒体保管のお申し込みと管理ソフトのインストールが必要です。',
    tokenRemoved:
      '処理中に専用USBが取り外されました。専用USBを差し込み直して、電子証明書の一覧を確認してください。新しい電子証明書のインストールと確認が終わるまでは、以前の電子証明書が使えるように残っています。',
    pinIncorrect: 'パスワードが正しくありません。',
    pinFinalTry: '専用USBのパスワード（PIN）は残り1回です。念のため、パスワードはまだ送信していません。',
    pinLocked:
      '専用USBのパスワード（PIN）がロックされています。お取引の銀行、または専用USBの管理ソフトのサポート窓口にお問い合わせください。',
    cancelled: '電子証明書の更新を中止しました。お使いの電子証明書はそのまま使えます。',
    notFound: '電子証明書が見つかりません。一覧を読み込み直してから、もう一度お試しください。',
    bankUnreachable: '銀行のサーバーに接続できません。ネットワークやプロキシの設定を確認し、しばらくしてからもう一度お試しください。',
    bankNotTrusted:
      '接続先が銀行のサーバーであることを確認できませんでした。社内のプロキシがHTTPS通信を検査（中継）していると電子証明書を更新できません。システム管理者に、銀行のサーバーを検査の対象から外すよう依頼してください。',
    bankRejected: '銀行が電子証明書の発行を受け付けませんでした。お取引の銀行にお問い合わせください。',
    certificateMismatch:
      '発行された電子証明書が申請内容と一致しないため、インストールしませんでした。お使いの電子証明書はそのまま使えます。お取引の銀行にお問い合わせください。',
    stillPending:
      '銀行は電子証明書の発行申請を受け付けましたが、まだ発行されていません。しばらくしてから、もう一度お試しください。お使いの電子証明書はそのまま使えます。',
    outsideWindow: '現在は電子証明書の更新期間ではありません。更新は有効期限の前の更新期間中に行えます。',
    renewalUnknown: 'この更新処理は見つかりません。一覧からもう一度お試しください。',
    alreadyRenewed: '中断されていた更新を完了しました。一覧を読み込み直して、新しい電子証明書をご確認ください。',
    bankAuthRequired:
      '銀行がパスワード（利用者名とパスワード、またはチャレンジパスワード）を求めています。銀行から通知されたパスワードをご確認ください。お使いの電子証明書はそのまま使えます。',
    bankRequirementUnsupported:
      '銀行の認証局が、この更新で対応できない内容を求めています。何も作成・送信していません。お使いの電子証明書はそのまま使えます。お取引の銀行にお問い合わせください。',
    unfinishedElsewhere:
      'この電子証明書には、もう一方の保管場所への中断された更新があります。一覧からその更新を続けるか破棄してから、もう一度お試しください。お使いの電子証明書はそのまま使えます。',
    storeNotOffered:
      'お取引の銀行は専用USBへの保存（電子証明書媒体保管）を提供していないため、専用USBには保存できません。パソコンに保存してください。',
    noBankProfile:
      '銀行プロファイルがありません。お取引の銀行から受け取ったプロファイルを追加するか、システム管理者にお問い合わせください。',
    renewalInProgress:
      'この電子証明書の更新は、別のウィンドウまたはコマンドで処理中です。何も変更していません。そちらが終わってから、もう一度お試しください。',
    notRenewable: 'この電子証明書はここでは更新できません。一覧で理由をご確認ください。',
    issuedNotLonger:
      '銀行から届いた電子証明書の有効期限が、お使いの電子証明書より後ではないため、インストールしませんでした。お使いの電子証明書はそのまま使えます。お取引の銀行にお問い合わせください。',
    issuedNotYetValid:
      '銀行は電子証明書を発行しましたが、有効期間の開始がこのパソコンの時計より先です。パソコンの時計を確認してください。新しい電子証明書は保存してあります。',
    issuedNotYetValidAt:
      '銀行は電子証明書を発行しましたが、有効期間の開始（{time}）がこのパソコンの時計より先です。パソコンの時計を確認してください。新しい電子証明書は保存してあり、その時刻を過ぎたら「更新」で続けられます。',
    stillPendingAt:
      '銀行は電子証明書の発行申請を受け付けましたが、まだ発行されていません。{time}以降に、もう一度お試しください。お使いの電子証明書はそのまま使えます。',
    internal: '予期しないエラーが発生しました。お使いの電子証明書はそのまま使えます。',
  },
};
