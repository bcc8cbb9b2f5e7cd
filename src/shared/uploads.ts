/** Uploads larger than this are refused before de-identification starts (and by the form). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
