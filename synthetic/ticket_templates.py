"""Sentence templates for support tickets. `{slot}` names are filled by `tickets.py`.

Slots: name, first, other, phone, account, email, street, city, region, postal, ip, ipv6, sip,
imei, card, expiry, pin, password, mac, iban; company, support_phone, support_email, website
(the provider's own details, never labelled).
"""

from __future__ import annotations

GREETINGS: tuple[str, ...] = (
    "Hi,\n", "Hello {company} team,\n", "hey ", "Bonjour,\n", "Good morning,\n",
    "To whom it may concern,\n", "", "hi there - ", "Hello,\n\n", "Dear support,\n",
)
PERSONAL: tuple[str, ...] = (
    "my number is {phone}.",
    "call me at {phone} please",
    "You can reach me on {phone} after 6pm.",
    "The line {phone} keeps dropping calls.",
    "i ported {phone} from my old carrier last week and it still rings there",
    "acct # {account}",
    "My account number is {account}.",
    "account {account} was charged twice this month!!",
    "I'm {name}, account {account}.",
    "my email is {email}",
    "Please send the invoice to {email} from now on.",
    "I changed my email to {email} but statements still go to the old one.",
    "i'm at {street}, {city} {region} {postal}",
    "Please update my address to {street}, {city}, {region} {postal}.",
    "The technician should come to {street} in {city}.",
    "calls from {ip} fail",
    "my router's public IP is {ip} if that helps.",
    "Registration from {ip} is rejected with 403 Forbidden.",
    "We see one-way audio, our PBX is at {ip}.",
    "the ATA at {ipv6} can't register over IPv6",
    "my SIP is {sip}",
    "The softphone is configured as {sip} and shows 'Registration failed'.",
    "INVITE to {sip} times out.",
    "phone IMEI {imei}",
    "The handset (IMEI: {imei}) shows no service since the update.",
    "Please charge {card} instead of the card on file.",
    "my card {card} exp {expiry} was declined, not sure why",
    "voicemail pin is {pin}",
    "I forgot my voicemail PIN, the old one was {pin}.",
    "reset my vm pin to {pin} pls",
    "my password is {password}",
    "portal login is {email} / password {password}",
    "MAC {mac}",
    "The ATA's MAC address is {mac}.",
    "device {mac} won't provision",
    "Please refund to my IBAN {iban}.",
    "Direct debit should use IBAN {iban} going forward.",
    "my wife {other} is also on the account",
    "Please talk to {other} if I'm not available.",
    "I'm travelling, reach me on {phone} or {email}.",
)
NEUTRAL: tuple[str, ...] = (
    "Calls drop after about 30 seconds.",
    "Since yesterday I hear an echo on every call.",
    "I called {company} support at {support_phone} but waited 40 min.",
    "Your page {website} says there is no outage.",
    "I also emailed {support_email} on Monday, no answer yet.",
    "is there an outage in my area?",
    "The voicemail light stays on even with no messages.",
    "Fax to email stopped working after the update.",
    "Please advise.",
    "thanks in advance!!",
    "Outbound caller ID shows UNKNOWN.",
    "Can you check the SIP trunk registration?",
    "We upgraded to firmware 2.4.1 and now nothing works.",
    "The invoice for March looks higher than usual.",
    "Is there a way to block robocalls?",
    "Porting request was submitted on the 3rd.",
    "DTMF tones are not recognised by the IVR.",
    "I get a fast busy signal when dialing long distance.",
    "The bill shows 300 minutes but I barely used the phone.",
    "Error code 503 appears on the handset around 10:45 am.",
    "Your agent at {support_phone} said it would be fixed in 24h.",
    "Last time ticket 2024-117 fixed the same thing.",
    "{company} has been great until now, but this is frustrating.",
    "Calls to 911 work, everything else fails.",
)
AGENT_NOTES: tuple[str, ...] = (
    "Customer called from {phone}, verified with voicemail PIN {pin}.",
    "Caller {name} confirmed address {street}, {city}.",
    "Verified identity via email {email}; reset portal password to {password}.",
    "Advised customer to reboot ATA {mac}.",
)
SIGNATURES: tuple[str, ...] = (
    "\n\nThanks,\n{first}",
    "\n-- \n{name}",
    "\nRegards, {name}\n{phone}",
    "\n\n{name}\n{city}, {region}",
    "\nthx {first}",
    "\n\nSent from my phone",
    "",
    "\nBest,\n{name} ({email})",
)
NEUTRAL_SIGNATURES: tuple[str, ...] = ("", "\n\nSent from my phone", "\nThanks!", "\n-- \nThanks")
SUBJECTS: tuple[str, ...] = (
    "Calls dropping",
    "Billing question for {account}",
    "Number port {phone}",
    "voicemail not working",
    "Can't register SIP phone",
    "Re: invoice",
    "URGENT - no dial tone",
    "Question about my plan",
    "Echo on calls",
    "Refund request from {name}",
    "{company} outage?",
    "address change",
    "Fwd: card declined",
    "help!!",
)
NEUTRAL_SUBJECTS: tuple[str, ...] = (
    "Calls dropping", "voicemail not working", "Can't register SIP phone", "Re: invoice",
    "URGENT - no dial tone", "Echo on calls", "{company} outage?", "help!!",
)
