import { getCollectionProps, getFormProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import type { OrgKind } from '#db/schema.ts'
import { ErrorList, Field, SelectField } from '#app/components/form.tsx'
import { CreateOrganizationSchema, MASS_ORG_SUBTYPES, ORG_KINDS } from '#app/models/organization.schema.ts'
import { createOrganization } from '#app/models/organization.server.ts'
import { LEVELS, isRegionCode, levelOfCode } from '#app/models/region-code.ts'
import { fullNames, searchRegions } from '#app/models/region.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '登记单位 · 帮扶 Bangfu' }]

const FINDER_LIMIT = 30

type KindField = 'subtype' | 'uscc' | 'regionCode' | 'villageCode'
/** Mirrors CreateOrganizationSchema: which kind-specific fields each kind takes. */
const FIELD_RULES: Record<OrgKind, Partial<Record<KindField, 'required' | 'optional'>>> = {
	central_unit: { regionCode: 'optional' },
	east_west_partner: { regionCode: 'required' },
	mass_org: { subtype: 'required', regionCode: 'optional' },
	enterprise: { uscc: 'required', regionCode: 'required' },
	social_org: { uscc: 'optional', regionCode: 'optional' },
	village: { villageCode: 'required' },
	government: { regionCode: 'required' },
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db } = await requireActor(request)
	const url = new URL(request.url)
	const regionQ = (url.searchParams.get('regionQ') ?? '').trim().slice(0, 50)
	const levelParam = Number(url.searchParams.get('regionLevel'))
	const regionLevel = (LEVELS as number[]).includes(levelParam) ? levelParam : undefined
	const found = regionQ ? await searchRegions(db, regionQ, { level: regionLevel, limit: FINDER_LIMIT }) : []
	const names = await fullNames(db, found.map((r) => r.code))
	// Without JavaScript, "use this code" is a link back here with ?pick=, which pre-fills the form.
	const pick = url.searchParams.get('pick') ?? ''
	const kind = url.searchParams.get('kind') ?? ''
	return {
		welcome: url.searchParams.get('welcome') === '1',
		regionQ,
		regionLevel: regionLevel ?? null,
		regions: found.map((r) => ({ code: r.code, level: r.level, fullName: names.get(r.code) ?? r.name })),
		limit: FINDER_LIMIT,
		picked: isRegionCode(pick) ? { code: pick, level: levelOfCode(pick) } : null,
		kind: (ORG_KINDS as readonly string[]).includes(kind) ? (kind as OrgKind) : undefined,
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const formData = await request.formData()
	const submission = parseWithZod(formData, { schema: CreateOrganizationSchema })
	if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
	try {
		const { id } = await createOrganization(db, submission.value, actor)
		return redirect(`/orgs/${id}?created=1`)
	} catch (error) {
		return replyWithError(submission, error)
	}
}

// True once React has hydrated (and for every client-side mount after that), so the page can
// hide fields that do not apply only when JavaScript is there to show them again.
let hydrating = true
function useHydrated() {
	const [hydrated, setHydrated] = useState(() => !hydrating)
	useEffect(() => {
		hydrating = false
		setHydrated(true)
	}, [])
	return hydrated
}

export default function NewOrganizationPage() {
	const { t } = useTranslation()
	const loaderData = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const finder = useFetcher<typeof loader>()
	const hydrated = useHydrated()
	const [filled, setFilled] = useState<string | null>(null)
	const { picked } = loaderData
	const [form, fields] = useForm<z.input<typeof CreateOrganizationSchema>>({
		id: 'new-org',
		lastResult: actionData?.result,
		defaultValue: {
			kind: loaderData.kind,
			regionCode: picked?.code,
			villageCode: picked?.level === 5 ? picked.code : undefined,
		},
		onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateOrganizationSchema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})

	const kind = (ORG_KINDS as readonly string[]).includes(fields.kind.value ?? '') ? (fields.kind.value as OrgKind) : undefined
	// With JS and a kind chosen, show only the fields that kind takes; otherwise show all with hints.
	const tailored = hydrated && !!kind
	const shown = (field: KindField) => !tailored || !!(kind && FIELD_RULES[kind][field])
	const label = (field: KindField, text: string) => {
		const rule = tailored && kind ? FIELD_RULES[kind][field] : undefined
		return rule ? t(`org_new.label_${rule}`, { label: text }) : text
	}

	const finderData = finder.data ?? loaderData
	const applyCode = (code: string, level: number) => {
		if (kind !== 'village') form.update({ name: fields.regionCode.name, value: code })
		if (level === 5) form.update({ name: fields.villageCode.name, value: code })
		setFilled(code)
	}

	return (
		<>
			<h1>{t('org_new.title')}</h1>
			{loaderData.welcome ? (
				<p className="notice" role="status">
					{t('org_new.welcome')}
				</p>
			) : null}
			<p className="muted">{t('org_new.intro')}</p>

			<section className="card" aria-labelledby="finder-title">
				<h2 id="finder-title" style={{ marginTop: 0 }}>
					{t('org_new.finder_title')}
				</h2>
				<p className="muted">{t('org_new.finder_hint')}</p>
				<finder.Form method="get" role="search" className="row">
					<div className="field">
						<label htmlFor="regionQ">{t('org_new.finder_label')}</label>
						<input id="regionQ" name="regionQ" type="search" defaultValue={loaderData.regionQ} maxLength={50} />
					</div>
					<div className="field" style={{ flex: '0 1 120px' }}>
						<label htmlFor="regionLevel">{t('org_new.finder_level')}</label>
						<select id="regionLevel" name="regionLevel" defaultValue={loaderData.regionLevel ?? ''}>
							<option value="">{t('org_new.finder_all_levels')}</option>
							{LEVELS.map((l) => (
								<option key={l} value={l}>
									{t(`vocab.level.${l}`)}
								</option>
							))}
						</select>
					</div>
					<button type="submit" className="secondary" style={{ flex: '0 0 auto', marginBottom: 12 }}>
						{t('org_new.finder_submit')}
					</button>
				</finder.Form>
				{finderData.regionQ ? (
					finderData.regions.length ? (
						<>
							<p>{t('org_new.finder_count', { count: finderData.regions.length })}</p>
							<ul className="plain">
								{finderData.regions.map((r) => (
									<li key={`${r.code}-${r.level}`} className="row" style={{ alignItems: 'center' }}>
										<span style={{ flex: '1 1 220px' }}>
											{r.fullName} <span className="tag">{t(`vocab.level.${r.level}`)}</span>
											<br />
											<code style={{ userSelect: 'all' }}>{r.code}</code>
										</span>
										<span style={{ flex: '0 0 auto' }}>
											{hydrated ? (
												<button type="button" className="secondary" style={{ padding: '2px 10px' }} onClick={() => applyCode(r.code, r.level)}>
													{t('org_new.use_code')}
												</button>
											) : (
												<Link to={`?${new URLSearchParams({ regionQ: finderData.regionQ, regionLevel: String(finderData.regionLevel ?? ''), pick: r.code })}`}>{t('org_new.use_code')}</Link>
											)}
										</span>
									</li>
								))}
							</ul>
							{finderData.regions.length >= finderData.limit ? <p className="muted">{t('org_new.finder_more', { count: finderData.limit })}</p> : null}
						</>
					) : (
						<p>{t('org_new.finder_none', { q: finderData.regionQ })}</p>
					)
				) : null}
				<p role="status" className="muted" style={{ margin: 0 }}>
					{filled ? t('org_new.code_filled', { code: filled }) : null}
				</p>
			</section>

			<section className="card" aria-labelledby="form-title">
				<h2 id="form-title" style={{ marginTop: 0 }}>
					{t('org_new.form_title')}
				</h2>
				<Form method="post" className="narrow" {...getFormProps(form)}>
					<div className={form.errors?.length ? 'form-errors' : undefined}>
						<ErrorList id={form.errorId} errors={form.errors} />
					</div>

					<fieldset
						className="field"
						aria-invalid={fields.kind.errors?.length ? true : undefined}
						aria-describedby={fields.kind.errors?.length ? fields.kind.errorId : undefined}
						style={{ border: '1px solid var(--line)', borderRadius: 6, padding: '8px 12px' }}
					>
						<legend style={{ fontWeight: 600, padding: '0 4px' }}>{t('org_new.kind')}</legend>
						{getCollectionProps(fields.kind, { type: 'radio', options: [...ORG_KINDS] }).map(({ key, ...props }) => (
							<label key={key} htmlFor={props.id} style={{ display: 'flex', gap: 8, alignItems: 'flex-start', fontWeight: 400, padding: '4px 0' }}>
								<input {...props} style={{ marginTop: 6, flex: '0 0 auto' }} />
								<span>
									<strong>{t(`vocab.org_kind.${props.value}`)}</strong>
									<br />
									<small className="hint">{t(`org_new.kind_hint.${props.value}`)}</small>
								</span>
							</label>
						))}
						<ErrorList id={fields.kind.errorId} errors={fields.kind.errors} />
					</fieldset>

					<Field meta={fields.name} label={t('org_new.name')} hint={t('org_new.name_hint')} maxLength={200} autoComplete="organization" />

					<div hidden={!shown('subtype')}>
						<SelectField meta={fields.subtype} label={label('subtype', t('org_new.subtype'))}>
							<option value="">{t('org_new.choose')}</option>
							{MASS_ORG_SUBTYPES.map((s) => (
								<option key={s} value={s}>
									{t(`vocab.mass_org_subtype.${s}`)}
								</option>
							))}
						</SelectField>
						{tailored ? null : <small className="hint" style={{ display: 'block', marginTop: -8, marginBottom: 12 }}>{t('org_new.subtype_hint')}</small>}
					</div>

					<div hidden={!shown('uscc')}>
						<Field meta={fields.uscc} label={label('uscc', t('org_new.uscc'))} hint={t('org_new.uscc_hint')} maxLength={18} autoCapitalize="characters" spellCheck={false} />
					</div>

					<div hidden={!shown('regionCode')}>
						<Field meta={fields.regionCode} label={label('regionCode', t('org_new.region_code'))} hint={t('org_new.region_hint')} inputMode="numeric" maxLength={12} />
					</div>

					<div hidden={!shown('villageCode')}>
						<Field meta={fields.villageCode} label={label('villageCode', t('org_new.village_code'))} hint={t('org_new.village_hint')} inputMode="numeric" maxLength={12} />
					</div>

					<div className="field">
						<label htmlFor={fields.description.id}>{t('org_new.description')}</label>
						<textarea {...getTextareaProps(fields.description, { ariaAttributes: true })} rows={4} maxLength={4000} />
						<small className="hint">{t('org_new.description_hint')}</small>
						<ErrorList id={fields.description.errorId} errors={fields.description.errors} />
					</div>

					<Field meta={fields.contactName} label={t('org_new.contact_name')} autoComplete="name" maxLength={64} />
					<Field meta={fields.contactPhone} label={t('org_new.contact_phone')} type="tel" autoComplete="tel" inputMode="tel" maxLength={32} />

					<p className="muted">{t('org_new.after_submit')}</p>
					<button type="submit" disabled={navigation.state === 'submitting'}>
						{t('org_new.submit')}
					</button>
				</Form>
			</section>
		</>
	)
}
