// Where domain errors become HTTP: one mapping from AppError codes to statuses.
import type { SubmissionResult } from '@conform-to/react'
import { data } from '@remix-run/node'
import { AppError, STATUS_BY_CODE } from './errors.ts'

type Replyable = { reply: (options?: { formErrors?: string[]; fieldErrors?: Record<string, string[]>; resetForm?: boolean }) => SubmissionResult<string[]> }

/**
 * For form actions: an AppError becomes the form's field and form errors with the right status;
 * anything else is rethrown (and becomes the 500 page).
 */
export function replyWithError(submission: Replyable, error: unknown) {
	if (!(error instanceof AppError)) throw error
	const fieldErrors = Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, [v]]))
	const formErrors = Object.keys(error.fields).length && error.code === 'invalid' ? [] : [error.message]
	return data({ result: submission.reply({ formErrors, fieldErrors }) }, { status: STATUS_BY_CODE[error.code] })
}

/** For loaders: not_found/forbidden become the friendly 404/403 pages. */
export function throwAsResponse(error: unknown): never {
	if (error instanceof AppError) {
		throw data({ message: error.message }, { status: STATUS_BY_CODE[error.code] })
	}
	throw error
}

export function notFound(message = 'errors.not_found'): never {
	throw data({ message }, { status: 404 })
}

export function forbidden(message = 'errors.forbidden'): never {
	throw data({ message }, { status: 403 })
}
