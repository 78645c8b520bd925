// Shared field schemas. Every message is an i18n key (app/locales), optionally `key|{json}`,
// so client and server show the same field-named error in the user's language.
import { z } from 'zod'
import { isValidUscc } from './uscc.ts'

export const required = (max: number) =>
	z
		.string({ error: 'validation.required' })
		.trim()
		.min(1, { error: 'validation.required' })
		.max(max, { error: `validation.too_long|${JSON.stringify({ max })}` })

export const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max, { error: `validation.too_long|${JSON.stringify({ max })}` })
		.optional()
		.transform((v) => (v ? v : undefined))

export const EmailSchema = z
	.string({ error: 'validation.required' })
	.trim()
	.min(1, { error: 'validation.required' })
	.max(254, { error: 'validation.too_long|{"max":254}' })
	.pipe(z.email({ error: 'validation.email_invalid' }))
	.transform((v) => v.toLowerCase())

export const UsernameSchema = z
	.string({ error: 'validation.required' })
	.trim()
	.min(3, { error: 'validation.username_length' })
	.max(32, { error: 'validation.username_length' })
	.regex(/^[A-Za-z0-9_.-]+$/, { error: 'validation.username_chars' })
	.transform((v) => v.toLowerCase())

const COMMON_PASSWORDS = new Set([
	'1234567890',
	'12345678910',
	'123456789a',
	'a123456789',
	'qwertyuiop',
	'qwerty123456',
	'password123',
	'password1234',
	'passw0rd123',
	'iloveyou123',
	'1qaz2wsx3edc',
	'woaini1314520',
	'abc1234567',
	'abcd123456',
	'aaaaaaaaaa',
	'0000000000',
	'1111111111',
	'88888888888',
	'administrator',
	'bangfu123456',
])

/** The password rules; also reports a password that contains the username or email name. */
export function passwordProblem(password: string, personal: string[] = []): string | undefined {
	if (password.length < 10) return 'validation.password_too_short'
	if (password.length > 128) return 'validation.too_long|{"max":128}'
	const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length
	if (classes < 2) return 'validation.password_weak'
	if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'validation.password_common'
	if (/^(.)\1+$/.test(password)) return 'validation.password_common'
	const lower = password.toLowerCase()
	for (const p of personal) {
		const part = p.trim().toLowerCase()
		if (part.length >= 3 && lower.includes(part)) return 'validation.password_personal'
	}
	return undefined
}

export const PasswordSchema = z
	.string({ error: 'validation.required' })
	.min(1, { error: 'validation.required' })
	.superRefine((value, ctx) => {
		const problem = passwordProblem(value)
		if (problem) ctx.addIssue({ code: 'custom', message: problem })
	})

export const RegionCodeSchema = z
	.string({ error: 'validation.required' })
	.trim()
	.regex(/^\d{12}$/, { error: 'validation.region_code_format' })

export const UsccSchema = z
	.string({ error: 'validation.required' })
	.trim()
	.transform((v) => v.toUpperCase())
	.refine((v) => isValidUscc(v), { error: 'validation.uscc_invalid' })

export const ReasonSchema = required(500)

/** zod issues → { field: messageKey } (first message per field), for AppError and forms. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
	const out: Record<string, string> = {}
	for (const issue of error.issues) {
		const field = issue.path.join('.') || 'form'
		out[field] ??= issue.message
	}
	return out
}
