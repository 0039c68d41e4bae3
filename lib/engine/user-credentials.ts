/**
 * Resources that give an IAM user credentials that do not expire, what each gives, and the argument that names the
 * user (the provider is not consistent: `user`, `user_name`, `username`).
 */
export const USER_CREDENTIALS: Readonly<Record<string, { readonly what: string; readonly user: string }>> = {
  aws_iam_access_key: { what: "an access key", user: "user" },
  aws_iam_user_login_profile: { what: "a console password", user: "user" },
  aws_iam_service_specific_credential: { what: "a service-specific credential", user: "user_name" },
  aws_iam_signing_certificate: { what: "a signing certificate", user: "user_name" },
  aws_iam_user_ssh_key: { what: "an SSH key", user: "username" },
};
