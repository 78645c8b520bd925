// Outgoing email, off unless SMTP_HOST is set. Callers get null when it is off and then attempt
// nothing; everything else sees only `sendMail`, so tests pass a stub or nodemailer's jsonTransport.
import nodemailer from 'nodemailer'
import { type SmtpSettings, getEnv } from './env.server.ts'

export type MailMessage = { to: string; subject: string; text: string; from?: string }
export type MailTransport = { sendMail: (message: MailMessage) => Promise<unknown> }

/** A nodemailer SMTP transport; `from` is applied to every message. Connects only when sending. */
export function createMailTransport(smtp: SmtpSettings): MailTransport {
	return nodemailer.createTransport(
		{
			host: smtp.host,
			port: smtp.port,
			secure: smtp.secure,
			auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
			// A stuck server must not hold the job runner for minutes.
			connectionTimeout: 15_000,
			greetingTimeout: 15_000,
			socketTimeout: 30_000,
		},
		{ from: smtp.from },
	)
}

let cached: { key: string; transport: MailTransport } | undefined

/** The process's mail transport from SMTP_* settings, or null when SMTP_HOST is unset (email off). */
export function getMailTransport(source: Record<string, string | undefined> = process.env): MailTransport | null {
	const smtp = getEnv(source).smtp
	if (!smtp) return null
	const key = JSON.stringify(smtp)
	if (cached?.key !== key) cached = { key, transport: createMailTransport(smtp) }
	return cached.transport
}
