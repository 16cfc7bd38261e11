/* vfio-pci's region layout; GET_REGION_INFO reports the same offsets. */
#define REGION_SHIFT		40
#define REGION_OFFSET(index)	((__u64)(index) << REGION_SHIFT)

#define CFG_REGION		VFIO_PCI_CONFIG_REGION_INDEX
#define BAR0_REGION		(VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_REGS)
#define BAR2_REGION		(VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_MEM)

/* An open instance, what VFIO says about it, and the checks run on it. */
struct vdev {
	const char *uuid;
	int container;
	int group;
	int device;
	int group_id;
	long page_size;
	__u64 mem_size;			/* the expected BAR2 size */
	const struct options *opts;
	struct vfio_device_info info;
	struct vfio_region_info region[VFIO_PCI_NUM_REGIONS];
	struct vfio_irq_info irq[VFIO_PCI_NUM_IRQS];
	__u8 cfg_at_open[PCI_CFG_SPACE_SIZE];	/* power-on state */
	unsigned int cap_exp;		/* capability offsets, 0 if absent */
	unsigned int cap_pm;
	unsigned int cap_msi;
	unsigned int cap_msix;
	unsigned int checks;
	unsigned int failures;
	char first_failure[256];
};

