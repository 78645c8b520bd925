// What a file is, judged by its first bytes (magic numbers). The declared content type and the
// file name come from the client and prove nothing; these bytes decide how a file is stored and
// served.

export type ImageType = {
	contentType: 'image/jpeg' | 'image/png' | 'image/webp'
	extension: 'jpg' | 'png' | 'webp'
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
	if (bytes.length < offset + signature.length) return false
	return signature.every((b, i) => bytes[offset + i] === b)
}

function ascii(text: string): number[] {
	return Array.from(text, (c) => c.charCodeAt(0))
}

/** JPEG, PNG or WebP by signature; anything else (including SVG, GIF, HTML) is undefined. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
	// JPEG: SOI marker followed by the next marker's 0xFF.
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { contentType: 'image/jpeg', extension: 'jpg' }
	if (startsWith(bytes, PNG_SIGNATURE)) return { contentType: 'image/png', extension: 'png' }
	// WebP: a RIFF container of form type WEBP whose first chunk is VP8, VP8L or VP8X.
	if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8) && startsWith(bytes, ascii('VP8'), 12)) {
		const variant = bytes[15]
		if (variant === 0x20 || variant === 0x4c || variant === 0x58) return { contentType: 'image/webp', extension: 'webp' }
	}
	return undefined
}

export type EvidenceType = {
	contentType: ImageType['contentType'] | 'application/pdf'
	extension: ImageType['extension'] | 'pdf'
	kind: 'photo' | 'document'
}

/**
 * Evidence of delivery: a photo (JPEG, PNG, WebP, as above) or a PDF document (`%PDF-` at the
 * start); anything else is undefined. NOTE: a PDF may carry scripts; it is served with a sandboxing
 * CSP and nosniff like every upload, and browsers render it in their own viewer.
 */
export function sniffEvidenceType(bytes: Uint8Array): EvidenceType | undefined {
	const image = sniffImageType(bytes)
	if (image) return { ...image, kind: 'photo' }
	if (startsWith(bytes, ascii('%PDF-'))) return { contentType: 'application/pdf', extension: 'pdf', kind: 'document' }
	return undefined
}
