import GuestKernel
print(GuestImage.url(named: "guest-selftest") as Any)
