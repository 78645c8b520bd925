import { expect, it } from 'vitest'
import { AppError } from '#app/utils/errors.ts'
import { createLucia } from '#app/utils/auth.server.ts'
import { describeDb } from '#tests/setup/db.ts'
import { TEST_PASSWORD, countRows, makeAccount } from '#tests/factories.ts'
import { authenticate, changePassword, createAccount } from './account.server.ts'
import { SIGNUP_THROTTLE, THROTTLE } from './login-throttle.server.ts'

async function appError(p: Promise<unknown>): Promise<AppError> {
	try {
		await p
	} catch (e) {
		if (e instanceof AppError) return e
		throw e
	}
	throw new Error('expected an AppError')
}

describeDb('accounts and sessions', (ctx) => {
	it('signs up with an argon2id hash and normalised email and username', async () => {
		const a = await createAccount(ctx.db, { email: ' Li.Ming@Example.CN ', username: 'LiMing', displayName: '李明', password: 'Nongcun-2026!' })
		expect(a.email).toBe('li.ming@example.cn')
		expect(a.username).toBe('liming')
		const row = await ctx.db.selectFrom('account').select('passwordHash').where('id', '=', a.id).executeTakeFirstOrThrow()
		expect(row.passwordHash.startsWith('$argon2id$')).toBe(true)
	})

	it('refuses duplicate email and username, weak passwords, and writes nothing', async () => {
		const a = await makeAccount(ctx.db)
		const before = await countRows(ctx.db, 'account')
		const dup = await appError(createAccount(ctx.db, { email: a.email.toUpperCase(), username: a.username, displayName: 'x', password: 'Another-Pass-1' }))
		expect(dup.code).toBe('invalid')
		expect(dup.fields).toEqual({ email: 'errors.email_taken', username: 'errors.username_taken' })
		for (const [password, key] of [
			['short1A', 'validation.password_too_short'],
			['abcdefghijkl', 'validation.password_weak'],
			['password123', 'validation.password_common'],
			['zhangsan-2026', 'validation.password_personal'],
		]) {
			const e = await appError(createAccount(ctx.db, { email: 'new@example.cn', username: 'zhangsan', displayName: '张三', password }))
			expect(e.fields.password).toBe(key)
		}
		const bad = await appError(createAccount(ctx.db, { email: 'not-an-email', username: 'a', displayName: '', password: '' }))
		expect(Object.keys(bad.fields).sort()).toEqual(['displayName', 'email', 'password', 'username'])
		expect(await countRows(ctx.db, 'account')).toBe(before)
	})

	it('logs in by email or username and refuses a wrong password with one message', async () => {
		const a = await makeAccount(ctx.db)
		expect((await authenticate(ctx.db, { identifier: a.username, password: TEST_PASSWORD, ip: '10.0.0.1' })).id).toBe(a.id)
		expect((await authenticate(ctx.db, { identifier: a.email.toUpperCase(), password: TEST_PASSWORD, ip: '10.0.0.1' })).id).toBe(a.id)
		const wrong = await appError(authenticate(ctx.db, { identifier: a.username, password: 'nope', ip: '10.0.0.1' }))
		const unknown = await appError(authenticate(ctx.db, { identifier: 'nobody@example.cn', password: 'nope', ip: '10.0.0.1' }))
		expect(wrong.message).toBe('errors.login_failed')
		expect(unknown.message).toBe(wrong.message)
	})

	it('throttles an account after repeated failures, whichever identifier is typed, even with the right password', async () => {
		const a = await makeAccount(ctx.db)
		const now = Date.now()
		for (let i = 0; i < THROTTLE.maxPerAccount; i++) {
			const identifier = i % 2 ? a.email : a.username
			await appError(authenticate(ctx.db, { identifier, password: 'wrong', ip: `10.1.0.${i}` }, now + i))
		}
		const locked = await appError(authenticate(ctx.db, { identifier: a.username, password: TEST_PASSWORD, ip: '10.9.9.9' }, now + 10))
		expect(locked.code).toBe('throttled')
		expect(locked.message).toMatch(/^errors\.login_throttled_account\|\{"minutes":1[45]\}$/)
		// The owner is told once, in the inbox, with where the last attempt came from.
		const notices = await ctx.db.selectFrom('notification').select(['kind', 'params']).where('accountId', '=', a.id).execute()
		expect(notices.map((n) => n.kind)).toEqual(['login_locked'])
		expect(JSON.parse(notices[0].params)).toEqual({ minutes: 15, ip: `10.1.0.${THROTTLE.maxPerAccount - 1}` })
		// After the window the right password works again.
		const later = now + THROTTLE.windowMs + 1_000
		expect((await authenticate(ctx.db, { identifier: a.username, password: TEST_PASSWORD, ip: '10.9.9.9' }, later)).id).toBe(a.id)
	})

	it('limits sign-ups per IP, with a field-named message, writing nothing more', async () => {
		const now = Date.now()
		const signup = (i: number, ip: string) =>
			createAccount(ctx.db, { email: `new${i}-${now}@example.cn`, username: `new${i}_${now % 100000}`, displayName: `新用户${i}`, password: 'Solid-Pass-2026!' }, { ip, now: now + i })
		for (let i = 0; i < SIGNUP_THROTTLE.maxPerIp; i++) await signup(i, '198.51.100.9')
		const accounts = await countRows(ctx.db, 'account')
		const refused = await appError(signup(99, '198.51.100.9'))
		expect(refused.code).toBe('throttled')
		expect(refused.fields.email).toMatch(/^errors\.signup_throttled\|/)
		expect(await countRows(ctx.db, 'account')).toBe(accounts)
		// Another IP, or the same one an hour later, may sign up.
		await signup(100, '198.51.100.10')
		await createAccount(ctx.db, { email: `late-${now}@example.cn`, username: `late_${now % 100000}`, displayName: '新用户', password: 'Solid-Pass-2026!' }, { ip: '198.51.100.9', now: now + SIGNUP_THROTTLE.windowMs + 10 })
	})

	it('throttles an IP spraying many accounts', async () => {
		const now = Date.now()
		for (let i = 0; i < THROTTLE.maxPerIp; i++) {
			await appError(authenticate(ctx.db, { identifier: `spray${i}@example.cn`, password: 'x', ip: '203.0.113.7' }, now + i))
		}
		const e = await appError(authenticate(ctx.db, { identifier: 'someone@example.cn', password: 'x', ip: '203.0.113.7' }, now + 100))
		expect(e.code).toBe('throttled')
		expect(e.message.startsWith('errors.login_throttled_ip')).toBe(true)
	})

	it('issues a new session id at each login and invalidates sessions on logout and everywhere', async () => {
		const lucia = createLucia(() => ctx.db, { secure: false })
		const a = await makeAccount(ctx.db)
		const s1 = await lucia.createSession(a.id, { ip: null, userAgent: null })
		const s2 = await lucia.createSession(a.id, { ip: '127.0.0.1', userAgent: 'test' })
		expect(s1.id).not.toBe(s2.id)
		const valid = await lucia.validateSession(s1.id)
		expect(valid.user?.id).toBe(a.id)
		expect(valid.user?.isNationalAdmin).toBe(false)

		await lucia.invalidateSession(s1.id)
		expect((await lucia.validateSession(s1.id)).session).toBeNull()
		expect((await lucia.validateSession(s2.id)).session).not.toBeNull()

		await lucia.createSession(a.id, { ip: null, userAgent: null })
		await lucia.invalidateUserSessions(a.id)
		expect(await ctx.db.selectFrom('session').select('id').where('accountId', '=', a.id).execute()).toEqual([])

		const cookie = lucia.createSessionCookie(s2.id).serialize()
		expect(cookie).toMatch(/HttpOnly/i)
		expect(cookie).toMatch(/SameSite=Lax/i)
		expect(createLucia(() => ctx.db, { secure: true }).createSessionCookie('x').serialize()).toMatch(/Secure/)
	})

	it('changing the password ends the other sessions and keeps the current one', async () => {
		const lucia = createLucia(() => ctx.db, { secure: false })
		const a = await makeAccount(ctx.db)
		const current = await lucia.createSession(a.id, { ip: null, userAgent: null })
		const other = await lucia.createSession(a.id, { ip: null, userAgent: null })
		const wrong = await appError(
			changePassword(ctx.db, { currentPassword: 'bad', newPassword: 'Brand-New-Pass-9', confirmPassword: 'Brand-New-Pass-9' }, { accountId: a.id, sessionId: current.id }),
		)
		expect(wrong.fields).toEqual({ currentPassword: 'errors.current_password_wrong' })
		const mismatch = await appError(
			changePassword(ctx.db, { currentPassword: TEST_PASSWORD, newPassword: 'Brand-New-Pass-9', confirmPassword: 'x' }, { accountId: a.id, sessionId: current.id }),
		)
		expect(mismatch.fields.confirmPassword).toBe('validation.password_mismatch')
		expect((await lucia.validateSession(other.id)).session).not.toBeNull()

		const r = await changePassword(
			ctx.db,
			{ currentPassword: TEST_PASSWORD, newPassword: 'Brand-New-Pass-9', confirmPassword: 'Brand-New-Pass-9' },
			{ accountId: a.id, sessionId: current.id },
		)
		expect(r.endedSessions).toBe(1)
		expect((await lucia.validateSession(other.id)).session).toBeNull()
		expect((await lucia.validateSession(current.id)).session).not.toBeNull()
		expect((await authenticate(ctx.db, { identifier: a.email, password: 'Brand-New-Pass-9', ip: '10.2.0.1' })).id).toBe(a.id)
	})
})
