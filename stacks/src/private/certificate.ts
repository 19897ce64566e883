import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

/**
 * An ACM certificate for one DNS name, validated through a record in its Route 53 zone; the ARN
 * is usable once validation has finished. Ids: `Certificate`, `CertificateRecord`, `CertificateValidation`.
 */
export function dnsValidatedCertificate(scope: Construct, domainName: string, hostedZoneId: string): string {
  const certificate = new AcmCertificate(scope, "Certificate", {
    domainName,
    validationMethod: "DNS",
    keyAlgorithm: "EC_prime256v1",
    lifecycle: { createBeforeDestroy: true },
  });
  const option = certificate.domainValidationOptions.get(0);
  const record = new Route53Record(scope, "CertificateRecord", {
    zoneId: hostedZoneId,
    name: option.resourceRecordName,
    type: option.resourceRecordType,
    records: [option.resourceRecordValue],
    ttl: 300,
    allowOverwrite: true,
  });
  return new AcmCertificateValidation(scope, "CertificateValidation", { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] }).certificateArn;
}
