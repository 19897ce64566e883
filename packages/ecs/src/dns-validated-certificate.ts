import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface DnsValidatedCertificateOptions {
  readonly domainName: string;
  /** The Route 53 zone that holds the validation record. */
  readonly hostedZoneId: string;
  /** @default [] */
  readonly subjectAlternativeNames?: readonly string[];
  /** @default - none beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An ACM certificate (ECDSA P-256), validated through a record in its Route 53 zone, created in
 * `scope` as `Certificate`, `CertificateRecord` and `CertificateValidation` (public API: they are
 * Terraform addresses). Returns the ARN as usable once validation has finished.
 *
 * One validation record is written: a subject alternative name outside the main name's zone
 * would leave validation waiting.
 */
export function dnsValidatedCertificate(scope: Construct, options: DnsValidatedCertificateOptions): string {
  const certificate = new AcmCertificate(scope, "Certificate", {
    domainName: options.domainName,
    subjectAlternativeNames: options.subjectAlternativeNames ? [...options.subjectAlternativeNames] : undefined,
    validationMethod: "DNS",
    keyAlgorithm: "EC_prime256v1",
    tags: options.tags ? { ...options.tags } : undefined,
    lifecycle: { createBeforeDestroy: true },
  });
  const validation = certificate.domainValidationOptions.get(0);
  const record = new Route53Record(scope, "CertificateRecord", {
    zoneId: options.hostedZoneId,
    name: validation.resourceRecordName,
    type: validation.resourceRecordType,
    records: [validation.resourceRecordValue],
    ttl: 300,
    allowOverwrite: true,
  });
  return new AcmCertificateValidation(scope, "CertificateValidation", { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] }).certificateArn;
}
