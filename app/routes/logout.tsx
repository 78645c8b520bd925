import { type ActionFunctionArgs, redirect } from '@remix-run/node'
import { logout } from '#app/utils/auth.server.ts'

export async function loader() {
	return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
	const formData = await request.formData()
	const cookie = await logout(request, { everywhere: formData.get('everywhere') === '1' })
	return redirect('/', { headers: { 'Set-Cookie': cookie } })
}
