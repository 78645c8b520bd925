import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, Field } from '#app/components/form.tsx'
import { SignupSchema } from '#app/models/account.schema.ts'
import { createAccount } from '#app/models/account.server.ts'
import { clientIp, createLoginSession, getAuth, publicContext } from '#app/utils/auth.server.ts'
import { replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '注册 · 帮扶 Bangfu' }]

export async function loader({ request }: LoaderFunctionArgs) {
	if (await getAuth(request)) throw redirect('/')
	return null
}

export async function action({ request }: ActionFunctionArgs) {
	const formData = await request.formData()
	const submission = parseWithZod(formData, { schema: SignupSchema })
	if (submission.status !== 'success') return { result: submission.reply({ hideFields: ['password'] }) }
	const { db } = publicContext()
	try {
		const account = await createAccount(db, submission.value, { ip: clientIp(request) })
		const cookie = await createLoginSession(account.id, request)
		// Next step for a new account: say which organization it acts for.
		return redirect('/orgs/new?welcome=1', { headers: { 'Set-Cookie': cookie } })
	} catch (error) {
		return replyWithError(submission, error)
	}
}

export default function SignupPage() {
	const { t } = useTranslation()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [form, fields] = useForm({
		id: 'signup',
		lastResult: actionData?.result,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: SignupSchema }),
		shouldRevalidate: 'onBlur',
	})
	return (
		<div className="card">
			<h1>{t('auth.signup_title')}</h1>
			<p className="muted">{t('auth.signup_intro')}</p>
			<Form method="post" className="narrow" {...getFormProps(form)}>
				<div className={form.errors?.length ? 'form-errors' : undefined}>
					<ErrorList id={form.errorId} errors={form.errors} />
				</div>
				<Field meta={fields.email} label={t('auth.email')} type="email" autoComplete="email" />
				<Field meta={fields.username} label={t('auth.username')} autoComplete="username" hint={t('auth.username_hint')} />
				<Field meta={fields.displayName} label={t('auth.display_name')} autoComplete="name" />
				<Field meta={fields.password} label={t('auth.password')} type="password" autoComplete="new-password" hint={t('auth.password_hint')} />
				<button type="submit" disabled={navigation.state === 'submitting'}>
					{t('auth.signup')}
				</button>
			</Form>
			<p className="muted">
				{t('auth.have_account')} <Link to="/login">{t('auth.login')}</Link>
			</p>
		</div>
	)
}
