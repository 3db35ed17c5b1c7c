import { Provider } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { FileTransport } from './file.transport';
import { MailTransport } from './mail-transport';
import { SesTransport } from './ses.transport';
import { SmtpTransport } from './smtp.transport';

/** The transport MAIL_TRANSPORT names; one instance per process (the SES client and the SMTP pool are reused). */
export const mailTransportProvider: Provider = {
  provide: MailTransport,
  inject: [AppConfig],
  useFactory: (config: AppConfig): MailTransport => {
    switch (config.MAIL_TRANSPORT) {
      case 'ses':
        return new SesTransport(config);
      case 'smtp':
        return new SmtpTransport(config);
      case 'file':
        return new FileTransport(config);
    }
  },
};
