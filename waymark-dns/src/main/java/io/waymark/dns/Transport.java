package io.waymark.dns;

/** How a query arrived: it decides the reply size limit (UDP: 512 or the EDNS size; TCP: 65535). */
public enum Transport {
    UDP,
    TCP
}
