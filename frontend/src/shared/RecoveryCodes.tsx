import { useState } from "react";
import { useTranslation } from "react-i18next";

const FILE_NAME = "accord-recovery-codes.txt";

/**
 * Recovery codes, shown once: the server keeps only their hashes. The user can copy them or
 * save them as a text file (made in the browser; nothing leaves it).
 */
export function RecoveryCodes({ codes }: { codes: readonly string[] }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<"copied" | "failed" | null>(null);
  const text = `${t("recoveryCodes.fileHeader")}\n\n${codes.join("\n")}\n`;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join("\n"));
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  };

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = FILE_NAME;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000); // after the download has started
  };

  return (
    <div className="recovery-codes">
      <p>{t("recoveryCodes.explain")}</p>
      <p className="alert alert--warning">{t("recoveryCodes.onlyOnce")}</p>
      <ol className="recovery-codes__list" data-testid="recovery-codes" aria-label={t("recoveryCodes.listLabel")}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" className="button" onClick={() => void copy()}>
          {t("recoveryCodes.copy")}
        </button>
        <button type="button" className="button" onClick={download}>
          {t("recoveryCodes.download")}
        </button>
      </div>
      <p role="status" className="muted">
        {copied === "copied" ? t("recoveryCodes.copied") : copied === "failed" ? t("recoveryCodes.copyFailed") : ""}
      </p>
    </div>
  );
}
