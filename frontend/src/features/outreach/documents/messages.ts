import type { TFunction } from "i18next";
import { ApiError } from "../../../api/problem";
import { errorMessage } from "../../../shared/errorMessage";

/** The upload's own refusals in words that say what to do; anything else as everywhere. */
export function uploadErrorMessage(t: TFunction, error: unknown, maxBytes: number): string {
  if (error instanceof ApiError) {
    const megabytes = Math.floor(maxBytes / 1_000_000);
    if (error.status === 413) return t("outreachDocuments.errors.tooLarge", { megabytes });
    if (error.code === "document_container_refused") return t("outreachDocuments.errors.container");
    if (error.status === 415) return t("outreachDocuments.errors.type");
    if (error.code === "document_empty") return t("outreachDocuments.errors.empty");
    if (error.code === "filename_invalid") return t("outreachDocuments.errors.filename");
  }
  return errorMessage(t, error);
}

/** "1.4 MB", "312 KB": sizes as people read them (decimal units, as file managers show). */
export function formatSize(bytes: number, language: string): string {
  const format = (value: number) => new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(value);
  if (bytes >= 1_000_000) return `${format(bytes / 1_000_000)} MB`;
  if (bytes >= 1_000) return `${format(bytes / 1_000)} KB`;
  return `${format(bytes)} B`;
}
