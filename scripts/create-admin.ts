// npm run create-admin -- --email a@b.cn --username admin --name 管理员 [--password …]
// Creates a national admin, or makes an existing account (found by email) one. There is no
// default password: without --password (or BANGFU_ADMIN_PASSWORD) it is asked for on a
// terminal, and refused when there is none.
import readline from 'node:readline/promises'
import { parseArgs } from 'node:util'
import { createAccount, getAccountByEmail, unsafeMakeNationalAdmin, unsafeSetPassword } from '#app/models/account.server.ts'
import { createDb, ensureMysqlDatabase } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { passwordProblem } from '#app/utils/validation.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { cliMessage } from './cli-messages.ts'

const { values } = parseArgs({
	options: {
		email: { type: 'string' },
		username: { type: 'string' },
		name: { type: 'string' },
		password: { type: 'string' },
	},
	strict: true,
})

async function ask(question: string, hidden = false): Promise<string> {
	if (!process.stdin.isTTY) throw new Error(`${question.trim()} is required (pass it as a flag; no terminal to ask on)`)
	const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true })
	if (hidden) {
		// Echo nothing while the password is typed.
		;(rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
			if (s.includes(question)) process.stdout.write(s)
		}
	}
	try {
		const answer = await rl.question(question)
		if (hidden) process.stdout.write('\n')
		return answer.trim()
	} finally {
		rl.close()
	}
}

const url = getEnv().databaseUrl
if (/^mysql:/i.test(url)) await ensureMysqlDatabase(url)
const { db } = createDb(url)
try {
	await migrateToLatest(db)
	const email = values.email ?? (await ask('Email 邮箱: '))
	const existing = await getAccountByEmail(db, email)
	const password = values.password ?? process.env.BANGFU_ADMIN_PASSWORD ?? (existing ? undefined : await ask('Password 密码: ', true))
	if (existing) {
		if (password) {
			const problem = passwordProblem(password, [existing.username, existing.email.split('@')[0]])
			if (problem) throw AppError.invalid({ password: problem })
			await unsafeSetPassword(db, existing.id, password)
		}
		await unsafeMakeNationalAdmin(db, existing.id)
		console.log(`${existing.username} <${existing.email}> is now a national admin${password ? ' (password changed)' : ''}`)
	} else {
		const username = values.username ?? (await ask('Username 用户名: '))
		const displayName = values.name ?? (await ask('Name 姓名: '))
		const account = await createAccount(db, { email, username, displayName, password: password ?? '' }, { isNationalAdmin: true })
		console.log(`created national admin ${account.username} <${account.email}>`)
	}
} catch (error) {
	if (error instanceof AppError) {
		console.error(`create-admin: ${Object.entries(error.fields).map(([f, m]) => `${f}: ${cliMessage(m)}`).join('; ') || cliMessage(error.message)}`)
	} else {
		console.error(`create-admin: ${(error as Error).message}`)
	}
	process.exitCode = 1
} finally {
	await db.destroy()
}
