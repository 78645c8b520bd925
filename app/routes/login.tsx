import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, Field } from '#app/components/form.tsx'
import { LoginSchema } from '#app/models/account.schema.ts'
import { authenticate } from '#app/models/account.server.ts'
import { clientIp, createLoginSession, getAuth, publicContext } from '#app/utils/auth.server.ts'
import { replyWithError } from '#app/utils/http.server.ts'
import { safeRedirect } from '#app/utils/redirect.ts'

export const meta: MetaFunction = () => [{ title: '登录 · 帮扶 Bangfu' }]

export async function loader({ request }: LoaderFunctionArgs) {
	if (await getAuth(request)) throw redirect('/')
	return null
}

export async function action({ request }: ActionFunctionArgs) {
	const formData = await request.formData()
	const submission = parseWithZod(formData, { schema: LoginSchema })
	if (submission.status !== 'success') return { result: submission.reply({ hideFields: ['password'] }) }
	const { db } = publicContext()
	try {
		const account = await authenticate(db, { ...submission.value, ip: clientIp(request) })
		const cookie = await createLoginSession(account.id, request)
		return redirect(safeRedirect(submission.value.redirectTo), { headers: { 'Set-Cookie': cookie } })
	} catch (error) {
		return replyWithError(submission, error)
	}
}

export default function LoginPage() {
	const { t } = useTranslation()
	const actionData = useActionData<typeof action>()
	const [searchParams] = useSearchParams()
	const navigation = useNavigation()
	const [form, fields] = useForm({
		id: 'login',
		lastResult: actionData?.result,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
		shouldRevalidate: 'onBlur',
	})
	return (
		<div className="card">
			<h1>{t('auth.login_title')}</h1>
			<Form method="post" className="narrow" {...getFormProps(form)}>
				<div className={form.errors?.length ? 'form-errors' : undefined}>
					<ErrorList id={form.errorId} errors={form.errors} />
				</div>
				<input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? '/'} />
				<Field meta={fields.identifier} label={t('auth.identifier')} autoComplete="username" />
				<Field meta={fields.password} label={t('auth.password')} type="password" autoComplete="current-password" />
				<button type="submit" disabled={navigation.state === 'submitting'}>
					{t('auth.login')}
				</button>
			</Form>
			<p className="muted">
				{t('auth.no_account')} <Link to="/signup">{t('auth.signup')}</Link>
			</p>
		</div>
	)
}
