import nodemailer from 'nodemailer'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getEnv } from './env.server.ts'
import { createMailTransport, getMailTransport } from './mailer.server.ts'

afterEach(() => {
	vi.restoreAllMocks()
})

describe('SMTP settings', () => {
	it('are off without SMTP_HOST, whatever else is set', () => {
		expect(getEnv({}).smtp).toBeUndefined()
		expect(getEnv({ SMTP_HOST: '  ', SMTP_USER: 'a@example.cn', SMTP_PORT: '25' }).smtp).toBeUndefined()
	})

	it('read host, port, TLS, credentials and sender', () => {
		expect(getEnv({ SMTP_HOST: 'smtp.example.cn' }).smtp).toEqual({ host: 'smtp.example.cn', port: 587, secure: false, user: undefined, password: undefined, from: 'no-reply@localhost' })
		expect(getEnv({ SMTP_HOST: 'smtp.example.cn', SMTP_PORT: '465', SMTP_USER: 'notice@example.cn', SMTP_PASSWORD: 's3cret' }).smtp).toEqual({
			host: 'smtp.example.cn',
			port: 465,
			secure: true,
			user: 'notice@example.cn',
			password: 's3cret',
			from: 'notice@example.cn',
		})
		expect(getEnv({ SMTP_HOST: 'smtp.example.cn', SMTP_SECURE: 'true', SMTP_FROM: '帮扶 Bangfu <bangfu@example.cn>' }).smtp).toMatchObject({ port: 465, secure: true, from: '帮扶 Bangfu <bangfu@example.cn>' })
		expect(getEnv({ SMTP_HOST: 'smtp.example.cn', SMTP_PORT: '465', SMTP_SECURE: '0' }).smtp).toMatchObject({ port: 465, secure: false })
		expect(getEnv({ SMTP_HOST: 'smtp.example.cn', SMTP_PORT: 'abc' }).smtp?.port).toBe(587)
	})

	it('default the link base to localhost and drop a trailing slash', () => {
		expect(getEnv({}).appUrl).toBe('http://localhost:3000')
		expect(getEnv({ APP_URL: 'https://bangfu.example.cn/' }).appUrl).toBe('https://bangfu.example.cn')
	})
})

describe('mail transport', () => {
	it('is null and never created when email is off', () => {
		const create = vi.spyOn(nodemailer, 'createTransport')
		expect(getMailTransport({})).toBeNull()
		expect(create).not.toHaveBeenCalled()
	})

	it('is an SMTP transport with the settings (created lazily, no connection) and reused', () => {
		const create = vi.spyOn(nodemailer, 'createTransport')
		const env = { SMTP_HOST: 'smtp.example.cn', SMTP_PORT: '465', SMTP_USER: 'notice@example.cn', SMTP_PASSWORD: 's3cret' }
		const transport = getMailTransport(env)
		expect(transport).not.toBeNull()
		expect(create).toHaveBeenCalledWith(
			expect.objectContaining({ host: 'smtp.example.cn', port: 465, secure: true, auth: { user: 'notice@example.cn', pass: 's3cret' } }),
			{ from: 'notice@example.cn' },
		)
		expect(getMailTransport(env)).toBe(transport)
		expect(create).toHaveBeenCalledTimes(1)
	})

	it('applies SMTP_FROM to every message (SMTP swapped for jsonTransport: no network)', async () => {
		const real = nodemailer.createTransport.bind(nodemailer)
		vi.spyOn(nodemailer, 'createTransport').mockImplementation(((_smtp: unknown, defaults: object) => real({ jsonTransport: true }, { jsonTransport: true, ...defaults })) as typeof nodemailer.createTransport)
		const transport = createMailTransport({ host: 'smtp.example.cn', port: 587, secure: false, from: '帮扶 Bangfu <bangfu@example.cn>' })
		const info = (await transport.sendMail({ to: 'a@example.cn', subject: '【帮扶】测试', text: '正文' })) as { message: string }
		expect(JSON.parse(info.message)).toMatchObject({ subject: '【帮扶】测试', text: '正文', to: [{ address: 'a@example.cn' }], from: { address: 'bangfu@example.cn', name: '帮扶 Bangfu' } })
	})
})
