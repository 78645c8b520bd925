import { z } from 'zod'
import { EmailSchema, PasswordSchema, UsernameSchema, required } from '#app/utils/validation.ts'

export const SignupSchema = z.object({
	email: EmailSchema,
	username: UsernameSchema,
	displayName: required(64),
	password: PasswordSchema,
})
export type SignupInput = z.infer<typeof SignupSchema>

export const LoginSchema = z.object({
	identifier: required(254),
	password: z.string({ error: 'validation.required' }).min(1, { error: 'validation.required' }).max(1024),
	redirectTo: z.string().optional(),
})
export type LoginInput = z.infer<typeof LoginSchema>

export const ChangePasswordSchema = z
	.object({
		currentPassword: z.string({ error: 'validation.required' }).min(1, { error: 'validation.required' }),
		newPassword: PasswordSchema,
		confirmPassword: z.string({ error: 'validation.required' }).min(1, { error: 'validation.required' }),
	})
	.refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], error: 'validation.password_mismatch' })
export type ChangePasswordInput = z.infer<typeof ChangePasswordSchema>
