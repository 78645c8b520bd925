/**
 * The one domain error. `message` and the values of `fields` are i18n keys (see app/locales),
 * optionally followed by `|` and JSON interpolation values, so the route can show them in the
 * user's language. Model code throws it; routes map `code` to an HTTP status in one place.
 */
export type AppErrorCode = 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'throttled'

export class AppError extends Error {
	readonly code: AppErrorCode
	readonly fields: Record<string, string>

	constructor(code: AppErrorCode, message: string, fields: Record<string, string> = {}) {
		super(message)
		this.name = 'AppError'
		this.code = code
		this.fields = fields
	}

	static invalid(fields: Record<string, string>, message = 'errors.invalid') {
		return new AppError('invalid', message, fields)
	}
	static forbidden(message = 'errors.forbidden') {
		return new AppError('forbidden', message)
	}
	static notFound(message = 'errors.not_found') {
		return new AppError('not_found', message)
	}
	static conflict(message: string, fields: Record<string, string> = {}) {
		return new AppError('conflict', message, fields)
	}
}

export const STATUS_BY_CODE: Record<AppErrorCode, number> = {
	invalid: 400,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	throttled: 429,
}

export function isAppError(error: unknown): error is AppError {
	return error instanceof AppError
}

/** Builds a message with interpolation values: msg('errors.throttled', { minutes: 5 }). */
export function msg(key: string, values?: Record<string, string | number>): string {
	return values ? `${key}|${JSON.stringify(values)}` : key
}

export function parseMsg(message: string): { key: string; values?: Record<string, unknown> } {
	const bar = message.indexOf('|')
	if (bar < 0) return { key: message }
	try {
		return { key: message.slice(0, bar), values: JSON.parse(message.slice(bar + 1)) }
	} catch {
		return { key: message.slice(0, bar) }
	}
}
