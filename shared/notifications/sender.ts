import { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { PublishCommand } from "@aws-sdk/client-sns";
import { config, required } from "../platform/config.ts";
import { ses } from "../platform/ses-client.ts";
import { sns } from "../platform/sns-client.ts";
import { type Channel, type Contacts, contactChannels, type Message } from "./channels.ts";

export type { Channel, Contacts, Message };
export { contactChannels };

/**
 * Delivers one message on one channel. SMS go through SNS as transactional messages; e-mail and PEC through
 * SES (a PEC mailbox accepts ordinary e-mail; a certified PEC gateway is a deployment choice, see README).
 * Throws on failure: callers decide whether that is retryable.
 */
export async function deliver(channel: Channel, to: string, message: Message): Promise<void> {
  if (channel === "sms") {
    await sns.send(
      new PublishCommand({
        PhoneNumber: to,
        Message: message.text,
        MessageAttributes: {
          "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" },
          ...(config().SMS_SENDER_ID
            ? { "AWS.SNS.SMS.SenderID": { DataType: "String", StringValue: config().SMS_SENDER_ID } }
            : {}),
        },
      }),
    );
    return;
  }
  await ses.send(
    new SendEmailCommand({
      FromEmailAddress: required("SENDER_EMAIL"),
      Destination: { ToAddresses: [to] },
      ConfigurationSetName: config().SES_CONFIGURATION_SET,
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: "UTF-8" },
          Body: { Text: { Data: message.text, Charset: "UTF-8" } },
        },
      },
    }),
  );
}
