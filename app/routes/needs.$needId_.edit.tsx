import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList } from '#app/components/form.tsx'
import { type NeedFormShape, NeedFields, tapStyle } from '#app/components/need-form.tsx'
import { NeedSchema, type NeedValues, needFormValues } from '#app/models/need.schema.ts'
import { getNeed, submitNeed, updateNeed } from '#app/models/need.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { isAppError } from '#app/utils/errors.ts'
import { notFound, replyWithError } from '#app/utils/http.server.ts'
import { textValues, withUnixNewlines } from '#app/utils/photo-form.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `修改需求 · ${data?.need.title ?? ''} · 帮扶 Bangfu` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const need = await getNeed(db, params.needId ?? '', actor)
	if (!need) notFound('errors.need_not_found')
	return {
		need: { id: need.id, title: need.title, status: need.status },
		// Only the flags decide what the page offers; updateNeed checks again.
		canEdit: need.viewer.canEdit,
		canSubmit: need.viewer.canSubmit,
		values: need.viewer.canEdit ? needFormValues(need) : null,
		today: formatChinaDate(Date.now()),
	}
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const needId = params.needId ?? ''
	const formData = withUnixNewlines(await request.formData())
	const submission = parseWithZod(formData, { schema: NeedSchema })
	if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
	try {
		// The model decides: another village's need is forbidden, one under review a conflict.
		await updateNeed(db, needId, textValues(formData), actor)
	} catch (error) {
		return replyWithError(submission, error)
	}
	const query = new URLSearchParams({ notice: 'updated' })
	if (formData.get('intent') === 'submit') {
		try {
			await submitNeed(db, needId, actor)
			query.set('notice', 'submitted')
		} catch (error) {
			if (!isAppError(error)) throw error
			query.set('submitError', Object.values(error.fields)[0] ?? error.message)
		}
	}
	return redirect(`/needs/${needId}?${query}`)
}

export default function EditNeedPage() {
	const { t } = useTranslation()
	const { need, canEdit, canSubmit, values, today } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [form, fields] = useForm<NeedFormShape, NeedValues>({
		id: `edit-need-${need.id}`,
		lastResult: actionData?.result,
		defaultValue: values ?? undefined,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: NeedSchema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	const busy = navigation.state === 'submitting'
	return (
		<>
			<p className="crumbs">
				<Link to={`/needs/${need.id}`} style={{ overflowWrap: 'anywhere' }}>
					{need.title}
				</Link>{' '}
				›
			</p>
			<h1>{t('need.edit_title')}</h1>
			{canEdit ? (
				<section className="card">
					<Form method="post" className="narrow" {...getFormProps(form)}>
						<div className={form.errors?.length ? 'form-errors' : undefined}>
							<ErrorList id={form.errorId} errors={form.errors} />
						</div>
						<NeedFields fields={fields} today={today} />
						<div className="row" style={{ alignItems: 'stretch' }}>
							<button type="submit" name="intent" value="save" className={canSubmit ? 'secondary' : undefined} disabled={busy} style={tapStyle}>
								{t('need.form.save_changes')}
							</button>
							{canSubmit ? (
								<button type="submit" name="intent" value="submit" disabled={busy} style={tapStyle}>
									{t(need.status === 'returned' ? 'need.form.save_changes_and_submit' : 'need.form.save_and_submit')}
								</button>
							) : null}
						</div>
						<p>
							<Link to={`/needs/${need.id}`}>{t('need.form.cancel')}</Link>
						</p>
					</Form>
				</section>
			) : (
				<section className="card">
					<p>{t('need.edit_locked')}</p>
					<p>
						<Link to={`/needs/${need.id}`}>{t('need.form.cancel')}</Link>
					</p>
				</section>
			)}
		</>
	)
}
