// Reading forms that may carry files (multipart): need photos here, commitment evidence in
// evidence-form.server.ts.
// Server-only: it must not be imported by anything the browser bundle needs.
import { MaxPartSizeExceededError, data, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node'
import { MAX_NEED_PHOTOS } from '#app/models/need.schema.ts'
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_MB } from '#app/models/upload.server.ts'
import { msg } from './errors.ts'
import { sniffImageType } from './file-type.ts'

const MAX_FORM_PARTS = 40
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024

/**
 * Browsers send a textarea's line breaks as CRLF but count them as one character for maxlength;
 * LF keeps the server's length check in step with what the user saw.
 */
export function withUnixNewlines(formData: FormData): FormData {
	const out = new FormData()
	for (const [key, value] of formData) out.append(key, typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : value)
	return out
}

export type PhotoForm = { formData: FormData; photos: File[]; oversized: string[]; tooMany: boolean; aborted: boolean }

/** A form that may carry files in one file field (`field`), read by readFileForm. */
export type FileForm = { formData: FormData; files: File[]; oversized: string[]; tooMany: boolean; aborted: boolean }
export type FileFormOptions = { field: string; maxFiles: number; maxBytes: number }

/**
 * Reads a form that may carry files in `field` (multipart, or urlencoded without them). Each file
 * is held in memory up to `maxBytes`; a larger one is read to its end and dropped with its name kept
 * for the error, so the other fields survive and the form comes back filled in. Files beyond
 * `maxFiles` are drained and flagged as `tooMany`; files in any other field are drained unread.
 */
export async function readFileForm(request: Request, options: FileFormOptions): Promise<FileForm> {
	const result: FileForm = { formData: new FormData(), files: [], oversized: [], tooMany: false, aborted: false }
	if (!(request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) {
		result.formData = withUnixNewlines(await request.formData())
		return result
	}
	const memory = unstable_createMemoryUploadHandler({ maxPartSize: options.maxBytes + 1 })
	let parts = 0
	let discarded = 0
	const drain = async (chunks: AsyncIterable<Uint8Array>) => {
		for await (const chunk of chunks) {
			discarded += chunk.byteLength
			if (discarded > MAX_DISCARDED_BYTES) throw new MaxPartSizeExceededError(options.field, MAX_DISCARDED_BYTES)
		}
	}
	try {
		result.formData = await unstable_parseMultipartFormData(request, async (part) => {
			if (++parts > MAX_FORM_PARTS) throw new MaxPartSizeExceededError(part.name, 0)
			// A text field over the limit is not from our form: the whole request is refused.
			if (part.filename === undefined) return memory(part)
			// An empty file input still sends a part, with no name and no bytes.
			if (part.name !== options.field || part.filename === '') return drain(part.data).then(() => undefined)
			if (result.files.length >= options.maxFiles) {
				result.tooMany = true
				return drain(part.data).then(() => undefined)
			}
			try {
				const file = await memory(part)
				if (file instanceof File) result.files.push(file)
				return undefined
			} catch (error) {
				if (!(error instanceof MaxPartSizeExceededError)) throw error
				result.oversized.push(part.filename)
				await drain(part.data)
				return undefined
			}
		})
	} catch (error) {
		// A body that is not well-formed multipart (a part without a field name, a cut-off stream, no
		// boundary) is the client's mistake: a 400, not the 500 page.
		if (isMalformedMultipart(error)) throw data({ message: 'errors.invalid' }, { status: 400 })
		if (!(error instanceof MaxPartSizeExceededError)) throw error
		result.aborted = true
	}
	result.formData = withUnixNewlines(result.formData)
	return result
}

// The messages of @web3-storage/multipart-parser (all 'malformed …') and of Remix's own check.
function isMalformedMultipart(error: unknown): boolean {
	return error instanceof Error && (error.message.startsWith('malformed ') || error.message === 'Could not parse content as FormData.')
}

/** Reads a need form that may carry photos (the `photos` field; see readFileForm). */
export async function readPhotoForm(request: Request): Promise<PhotoForm> {
	const { files, ...rest } = await readFileForm(request, { field: 'photos', maxFiles: MAX_NEED_PHOTOS, maxBytes: MAX_UPLOAD_BYTES })
	return { ...rest, photos: files }
}

/**
 * What is wrong with the chosen photos, before anything is written (the model checks again).
 * With `required`, choosing no photo at all is a problem too (the add-photo form).
 */
export async function photoProblems(form: PhotoForm, existing = 0, options: { required?: boolean } = {}): Promise<string[]> {
	const problems: string[] = []
	const bad: string[] = []
	// The reader keeps up to one byte more than the limit, so "just over" is caught here.
	const oversized = [...form.oversized, ...form.photos.filter((p) => p.size > MAX_UPLOAD_BYTES).map((p) => p.name)]
	if (oversized.length || form.aborted) {
		problems.push(msg('errors.upload_too_large', { maxMb: MAX_UPLOAD_MB }))
		bad.push(...oversized)
	}
	const notImages = []
	for (const photo of form.photos) {
		if (photo.size <= MAX_UPLOAD_BYTES && !sniffImageType(new Uint8Array(await photo.slice(0, 32).arrayBuffer()))) notImages.push(photo.name)
	}
	if (notImages.length) {
		problems.push('errors.upload_not_image')
		bad.push(...notImages)
	}
	if (form.tooMany || existing + form.photos.length > MAX_NEED_PHOTOS) problems.push(msg('errors.need_photo_limit', { max: MAX_NEED_PHOTOS }))
	if (options.required && !problems.length && !form.photos.length) problems.push('validation.required')
	return [...problems, ...bad.map((name) => msg('need.form.photo_bad_file', { name }))]
}

/** The form's text fields as typed, for the model (which parses them again). */
export function textValues(formData: FormData): Record<string, string> {
	const out: Record<string, string> = {}
	for (const [key, value] of formData) if (typeof value === 'string' && !(key in out)) out[key] = value
	return out
}
