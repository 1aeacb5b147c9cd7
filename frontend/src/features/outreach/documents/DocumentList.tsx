import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { useConfirm } from "../../../shared/Confirm";
import { formatDateTime } from "../../../shared/formatDate";
import { Notice } from "../../../shared/Notice";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import { type DocumentParent, deleteDocument, downloadUrl, listDocuments } from "./api";
import { formatSize } from "./messages";

interface Props {
  parent: DocumentParent;
  /** Coordinators may delete (the server decides; this only shows the button). */
  canDelete?: boolean;
  /** Change it to load the list again (after an upload). */
  version?: number;
}

/** A dispatch's or a response's documents, each a download link (an attachment, never shown inline). */
export function DocumentList({ parent, canDelete = false, version = 0 }: Props) {
  const { t, i18n } = useTranslation();
  const documents = useLoad(() => listDocuments(parent), [parent.kind, parent.id, version]);
  const action = useAction();
  const confirm = useConfirm();

  const remove = (id: string, name: string) =>
    void action.run(
      async () => {
        await confirm({
          title: t("outreachDocuments.deleteQuestion", { name }),
          body: t("outreachDocuments.deleteBody"),
          confirmLabel: t("outreachDocuments.delete"),
          danger: true,
        });
        await deleteDocument(id);
        documents.reload();
      },
      t("outreachDocuments.deleted", { name }),
    );

  const items = documents.data?.items;
  return (
    <div data-testid="document-list">
      <ErrorAlert error={documents.error} />
      <ErrorAlert error={action.error} />
      <Notice>{action.notice}</Notice>
      {items === undefined ? null : items.length === 0 ? (
        <p>{t("outreachDocuments.none")}</p>
      ) : (
        <ul>
          {items.map((document) => (
            <li key={document.id}>
              <a href={downloadUrl(document.id)} download={document.filename}>
                {document.filename}
              </a>{" "}
              <span className="muted">
                {t("outreachDocuments.details", {
                  size: formatSize(document.size, i18n.language),
                  date: formatDateTime(document.uploaded_at, i18n.language),
                })}
              </span>
              {canDelete ? (
                <>
                  {" "}
                  <button
                    type="button"
                    className="link-button"
                    disabled={action.busy}
                    onClick={() => remove(document.id, document.filename)}
                    aria-label={t("outreachDocuments.deleteNamed", { name: document.filename })}
                  >
                    {t("outreachDocuments.delete")}
                  </button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
