// Reading the commitment progress-update form, which may carry evidence files (photos or PDFs) in
// its `evidence` field. Server-only, like photo-form.server.ts whose reader it shares.
import { MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES, MAX_EVIDENCE_MB, type UploadFile } from '#app/models/upload.server.ts'
import { msg } from './errors.ts'
import { sniffEvidenceType } from './file-type.ts'
import { type FileForm, readFileForm } from './photo-form.server.ts'

export const EVIDENCE_FIELD = 'evidence'

/** Reads a commitment page post: urlencoded for most intents, multipart with evidence for updates. */
export function readEvidenceForm(request: Request): Promise<FileForm> {
	return readFileForm(request, { field: EVIDENCE_FIELD, maxFiles: MAX_EVIDENCE_FILES, maxBytes: MAX_EVIDENCE_BYTES })
}

/**
 * Everything wrong with the chosen evidence at once, each message naming the file, before
 * anything is written (postCommitmentUpdate checks again through checkEvidenceFiles).
 */
export async function evidenceProblems(form: FileForm): Promise<string[]> {
	const problems: string[] = []
	if (form.aborted) problems.push(msg('errors.upload_too_large', { maxMb: MAX_EVIDENCE_MB }))
	if (form.tooMany) problems.push(msg('errors.evidence_too_many', { max: MAX_EVIDENCE_FILES }))
	// The reader keeps up to one byte more than the limit, so "just over" is caught here.
	for (const name of [...form.oversized, ...form.files.filter((f) => f.size > MAX_EVIDENCE_BYTES).map((f) => f.name)]) {
		problems.push(msg('errors.evidence_too_large', { name, maxMb: MAX_EVIDENCE_MB }))
	}
	for (const file of form.files) {
		if (file.size <= MAX_EVIDENCE_BYTES && !sniffEvidenceType(new Uint8Array(await file.slice(0, 32).arrayBuffer()))) problems.push(msg('errors.evidence_type', { name: file.name }))
	}
	return problems
}

/** The chosen files as the model takes them. */
export async function evidenceFiles(form: FileForm): Promise<UploadFile[]> {
	return Promise.all(form.files.map(async (f) => ({ bytes: new Uint8Array(await f.arrayBuffer()), originalName: f.name })))
}
